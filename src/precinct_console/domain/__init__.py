"""Pure rules of the trade: no Qt, no database; time always comes in as an argument."""
