"""Patrol allocation panel: propose, look at, edit, accept or reject deployments; replay them."""
