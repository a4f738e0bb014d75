"""Scheduled work (APScheduler): jobs call services, never widgets; one seat of a shared database runs them."""
