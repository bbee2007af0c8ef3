package disclosure

// CatalogueFigures are what the disclosure catalogue (主动公开) gives the annual report of one agency (or a
// region's agencies) for one year: the section 二 figures that come from published items, and the figures of the
// section 一 narrative. Figures an agency enters by hand (行政事业性收费 amounts, decisions not published as items)
// are not here.
type CatalogueFigures struct {
	// 规章 and 行政规范性文件 (Art 20(1)): made (成文) in the year, repealed or expired in the year, and in force on
	// 31 December.
	RulesMade, RulesRepealed, RulesInForce             int
	NormativeMade, NormativeRepealed, NormativeInForce int
	// Decisions published as items in the year (Art 20(5), (6)).
	LicensingDecisions, PenaltyDecisions, CoercionDecisions int
	// Published is how many items were published in the year; ByCategory and ByGenre split them.
	Published  int
	ByCategory []NamedCount
	ByGenre    []NamedCount
	// Channels counts the pushes of the year's items to other channels (微信公众号, 微博, 政府公报 …).
	Channels []NamedCount
	// Late is how many of the year's items were published more than 20 working days after they were formed or
	// changed (Art 26).
	Late int
}

// NamedCount is a count with the Chinese name of what it counts.
type NamedCount struct {
	Name string `json:"name"`
	N    int    `json:"n"`
}
