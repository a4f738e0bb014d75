"""The unit status board: every unit's state, crew, current incident and time in state."""
