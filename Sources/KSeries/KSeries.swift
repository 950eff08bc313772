// The commands logic.
