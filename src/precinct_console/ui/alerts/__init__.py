"""Response-timer alerts: evaluated on the tick from cached times, sounded, listed and acknowledged."""
