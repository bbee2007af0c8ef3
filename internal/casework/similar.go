package casework

// Similar is how alike two requests' texts are: the Jaccard index of their character bigrams, punctuation and
// spaces ignored — 1 for the same text, near 0 for unrelated ones. Flags uses it for one applicant's repeated
// requests; the console uses it to point out that several applicants asked for the same information, which is
// then worth publishing proactively (Art 44).
func Similar(a, b string) float64 { return similarity(a, b) }
