package sevenzip

// SetCatchPanics lets the fuzz target see library panics instead of the
// errors the boundary turns them into.
func SetCatchPanics(on bool) { catchPanics = on }
