"""The live incident board: thin table model, filters, timers, life-cycle actions and intake."""
