package disclosure

// Outcome is how an application for disclosure (政府信息公开申请) ended. Its values are exactly the result rows of
// section 三 of the annual report in the current format (国办公开办函〔2021〕30号), so choosing a reply is choosing
// the report row it is counted in: there is one taxonomy from the notice to the report. An application handled under
// Art 37 (区分处理) is 部分公开 and nothing else.
type Outcome string

// The outcomes, in the order of the report's rows.
const (
	Disclosed            Outcome = "disclosed"
	Partial              Outcome = "partial"
	RefusedStateSecret   Outcome = "refused.state_secret"
	RefusedLawForbidden  Outcome = "refused.law_forbidden"
	RefusedThreeSafety   Outcome = "refused.three_safety"
	RefusedThirdParty    Outcome = "refused.third_party"
	RefusedInternal      Outcome = "refused.internal_affairs"
	RefusedProcess       Outcome = "refused.process_info"
	RefusedEnforcement   Outcome = "refused.enforcement_file"
	RefusedQueryMatter   Outcome = "refused.query_matter"
	UnableNotHeld        Outcome = "unable.not_held"
	UnableNeedsCreation  Outcome = "unable.needs_creation"
	UnableStillUnclear   Outcome = "unable.still_unclear"
	NotProcessedPetition Outcome = "not_processed.petition"
	NotProcessedRepeat   Outcome = "not_processed.repeat"
	NotProcessedPublic   Outcome = "not_processed.publication"
	NotProcessedExcess   Outcome = "not_processed.excessive"
	NotProcessedReconf   Outcome = "not_processed.reconfirm"
	OtherNoCorrection    Outcome = "other.no_correction"
	OtherNoFee           Outcome = "other.no_fee"
	OtherOther           Outcome = "other.other"
)

// Basis is one legal ground on which an outcome can rest: the article cited in the reply notice and its words. Most
// outcomes have one; 予以公开 has two (Art 36(1) already public, 36(2) can be disclosed) and 本机关不掌握 two (Art
// 36(4) does not exist, 36(5) not this agency's), which need different notices but count in the same row.
type Basis struct {
	// Key identifies the basis within its outcome; it also names the reply notice template ("reply.<outcome>.<key>").
	Key string `json:"key"`
	// Name is a short Chinese name for choosing it ("已主动公开").
	Name string `json:"name"`
	// Article cites the provision ("《中华人民共和国政府信息公开条例》第三十六条第（一）项").
	Article string `json:"article"`
	// Text is what the provision says, quoted in the notice.
	Text string `json:"text"`
	// NeedsReasons says that the officer must write reasons (every refusal and non-processing must say why).
	NeedsReasons bool `json:"needs_reasons"`
	// ReplyTitle, when set, is the title of this basis's reply notice instead of the outcome's.
	ReplyTitle string `json:"reply_title,omitempty"`
}

// OutcomeSpec describes one outcome: its report row label, its group, and its legal bases.
type OutcomeSpec struct {
	ID Outcome `json:"id"`
	// Label is the report row label exactly as printed ("1.属于国家秘密").
	Label string `json:"label"`
	// Group is the label of the row group ("（三）不予公开"), or "" for 予以公开 and 部分公开.
	Group string `json:"group,omitempty"`
	// Name is the outcome's full Chinese name for lists ("不予公开：属于国家秘密").
	Name string `json:"name"`
	// Bases are the legal grounds, the first being the default.
	Bases []Basis `json:"bases"`
	// ReplyTitle is the title of the reply notice.
	ReplyTitle string `json:"reply_title"`
	// Refusal marks outcomes that deny the applicant the information (不予公开, 无法提供, 不予处理, 其他处理): their
	// notices must state reasons and the applicant's rights.
	Refusal bool `json:"refusal"`
}

// The Regulation's name as cited in notices.
const regulation = "《中华人民共和国政府信息公开条例》"

var (
	art36 = [8]string{"",
		"所申请公开信息已经主动公开的，告知申请人获取该政府信息的方式、途径",
		"所申请公开信息可以公开的，向申请人提供该政府信息，或者告知申请人获取该政府信息的方式、途径和时间",
		"行政机关依据本条例的规定决定不予公开的，告知申请人不予公开并说明理由",
		"经检索没有所申请公开信息的，告知申请人该政府信息不存在",
		"所申请公开信息不属于本行政机关负责公开的，告知申请人并说明理由；能够确定负责公开该政府信息的行政机关的，告知申请人该行政机关的名称、联系方式",
		"行政机关已就申请人提出的政府信息公开申请作出答复、申请人重复申请公开相同政府信息的，告知申请人不予重复处理",
		"所申请公开信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定的，告知申请人依照有关法律、行政法规的规定办理",
	}
	art14 = "依法确定为国家秘密的政府信息，法律、行政法规禁止公开的政府信息，以及公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息，不予公开"
	art16 = [3]string{"",
		"行政机关的内部事务信息，包括人事管理、后勤管理、内部工作流程等方面的信息，可以不予公开",
		"行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息以及行政执法案卷信息，可以不予公开",
	}
)

func item(n string) string { return "第三十六条第（" + n + "）项" }

var outcomeSpecs = []OutcomeSpec{
	{ID: Disclosed, Label: "（一）予以公开", Name: "予以公开", ReplyTitle: "政府信息公开申请答复告知书", Bases: []Basis{
		{Key: "provided", Name: "可以公开，予以提供", Article: regulation + item("二"), Text: art36[2]},
		{Key: "already_public", Name: "已主动公开，告知获取途径", Article: regulation + item("一"), Text: art36[1]},
	}},
	{ID: Partial, Label: "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", Name: "部分公开", ReplyTitle: "政府信息部分公开告知书", Bases: []Basis{
		{Key: "art37", Name: "区分处理，部分公开", Article: regulation + "第三十七条", NeedsReasons: true,
			Text: "申请公开的信息中含有不应当公开或者不属于政府信息的内容，但是能够作区分处理的，行政机关应当向申请人提供可以公开的政府信息内容，并对不予公开的内容说明理由"},
	}},
	{ID: RefusedStateSecret, Label: "1.属于国家秘密", Group: "（三）不予公开", Name: "不予公开：属于国家秘密", ReplyTitle: "政府信息不予公开告知书", Refusal: true, Bases: []Basis{
		{Key: "art14", Name: "依法确定为国家秘密", Article: regulation + "第十四条、" + item("三"), Text: art14, NeedsReasons: true}}},
	{ID: RefusedLawForbidden, Label: "2.其他法律行政法规禁止公开", Group: "（三）不予公开", Name: "不予公开：其他法律行政法规禁止公开", ReplyTitle: "政府信息不予公开告知书", Refusal: true, Bases: []Basis{
		{Key: "art14", Name: "法律、行政法规禁止公开", Article: regulation + "第十四条、" + item("三"), Text: art14, NeedsReasons: true}}},
	{ID: RefusedThreeSafety, Label: "3.危及“三安全一稳定”", Group: "（三）不予公开", Name: "不予公开：危及“三安全一稳定”", ReplyTitle: "政府信息不予公开告知书", Refusal: true, Bases: []Basis{
		{Key: "art14", Name: "公开后可能危及国家安全、公共安全、经济安全、社会稳定", Article: regulation + "第十四条、" + item("三"), Text: art14, NeedsReasons: true}}},
	{ID: RefusedThirdParty, Label: "4.保护第三方合法权益", Group: "（三）不予公开", Name: "不予公开：保护第三方合法权益", ReplyTitle: "政府信息不予公开告知书", Refusal: true, Bases: []Basis{
		{Key: "art15", Name: "涉及商业秘密、个人隐私等第三方合法权益", Article: regulation + "第十五条、" + item("三"), NeedsReasons: true,
			Text: "涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，行政机关不得公开。但是，第三方同意公开或者行政机关认为不公开会对公共利益造成重大影响的，予以公开"}}},
	{ID: RefusedInternal, Label: "5.属于三类内部事务信息", Group: "（三）不予公开", Name: "不予公开：属于三类内部事务信息", ReplyTitle: "政府信息不予公开告知书", Refusal: true, Bases: []Basis{
		{Key: "art16_1", Name: "人事管理、后勤管理、内部工作流程等内部事务信息", Article: regulation + "第十六条第一款、" + item("三"), Text: art16[1], NeedsReasons: true}}},
	{ID: RefusedProcess, Label: "6.属于四类过程性信息", Group: "（三）不予公开", Name: "不予公开：属于四类过程性信息", ReplyTitle: "政府信息不予公开告知书", Refusal: true, Bases: []Basis{
		{Key: "art16_2", Name: "讨论记录、过程稿、磋商信函、请示报告等过程性信息", Article: regulation + "第十六条第二款、" + item("三"), Text: art16[2], NeedsReasons: true}}},
	{ID: RefusedEnforcement, Label: "7.属于行政执法案卷", Group: "（三）不予公开", Name: "不予公开：属于行政执法案卷", ReplyTitle: "政府信息不予公开告知书", Refusal: true, Bases: []Basis{
		{Key: "art16_2", Name: "行政执法案卷信息", Article: regulation + "第十六条第二款、" + item("三"), Text: art16[2], NeedsReasons: true}}},
	{ID: RefusedQueryMatter, Label: "8.属于行政查询事项", Group: "（三）不予公开", Name: "不予公开：属于行政查询事项", ReplyTitle: "政府信息公开申请答复告知书", Refusal: true, Bases: []Basis{
		{Key: "art36_7", Name: "工商、不动产登记资料等，依特别规定办理", Article: regulation + item("七"), Text: art36[7], NeedsReasons: true}}},
	{ID: UnableNotHeld, Label: "1.本机关不掌握相关政府信息", Group: "（四）无法提供", Name: "无法提供：本机关不掌握相关政府信息", ReplyTitle: "政府信息不存在告知书", Refusal: true, Bases: []Basis{
		{Key: "not_exist", Name: "经检索没有所申请公开的信息", Article: regulation + item("四"), Text: art36[4], NeedsReasons: true},
		{Key: "not_ours", Name: "不属于本机关负责公开（告知或转送有权机关）", Article: regulation + item("五"), Text: art36[5], NeedsReasons: true,
			ReplyTitle: "非本机关负责公开政府信息告知书"},
	}},
	{ID: UnableNeedsCreation, Label: "2.没有现成信息需要另行制作", Group: "（四）无法提供", Name: "无法提供：没有现成信息需要另行制作", ReplyTitle: "政府信息公开申请答复告知书", Refusal: true, Bases: []Basis{
		{Key: "art38", Name: "需要对现有信息进行加工、分析", Article: regulation + "第三十八条", NeedsReasons: true,
			Text: "行政机关向申请人提供的信息，应当是已制作或者获取的政府信息。除依照本条例第三十七条的规定能够作区分处理的外，需要行政机关对现有政府信息进行加工、分析的，行政机关可以不予提供"}}},
	{ID: UnableStillUnclear, Label: "3.补正后申请内容仍不明确", Group: "（四）无法提供", Name: "无法提供：补正后申请内容仍不明确", ReplyTitle: "政府信息公开申请答复告知书", Refusal: true, Bases: []Basis{
		{Key: "art30", Name: "补正后仍无法确定所需信息", Article: regulation + "第三十条", NeedsReasons: true,
			Text: "政府信息公开申请内容不明确的，行政机关应当给予指导和释明，并自收到申请之日起7个工作日内一次性告知申请人作出补正，说明需要补正的事项和合理的补正期限"}}},
	{ID: NotProcessedPetition, Label: "1.信访举报投诉类申请", Group: "（五）不予处理", Name: "不予处理：信访举报投诉类申请", ReplyTitle: "政府信息公开申请不予处理告知书", Refusal: true, Bases: []Basis{
		{Key: "art39_1", Name: "以申请形式进行信访、投诉、举报", Article: regulation + "第三十九条第一款", NeedsReasons: true,
			Text: "申请人以政府信息公开申请的形式进行信访、投诉、举报等活动，行政机关应当告知申请人不作为政府信息公开申请处理并可以告知通过相应渠道提出"}}},
	{ID: NotProcessedRepeat, Label: "2.重复申请", Group: "（五）不予处理", Name: "不予处理：重复申请", ReplyTitle: "政府信息公开申请不予处理告知书", Refusal: true, Bases: []Basis{
		{Key: "art36_6", Name: "已作答复，重复申请相同信息", Article: regulation + item("六"), Text: art36[6], NeedsReasons: true}}},
	{ID: NotProcessedPublic, Label: "3.要求提供公开出版物", Group: "（五）不予处理", Name: "不予处理：要求提供公开出版物", ReplyTitle: "政府信息公开申请不予处理告知书", Refusal: true, Bases: []Basis{
		{Key: "art39_2", Name: "要求提供政府公报、报刊、书籍等公开出版物", Article: regulation + "第三十九条第二款", NeedsReasons: true,
			Text: "申请人提出的申请内容为要求行政机关提供政府公报、报刊、书籍等公开出版物的，行政机关可以告知获取的途径"}}},
	{ID: NotProcessedExcess, Label: "4.无正当理由大量反复申请", Group: "（五）不予处理", Name: "不予处理：无正当理由大量反复申请", ReplyTitle: "政府信息公开申请不予处理告知书", Refusal: true, Bases: []Basis{
		{Key: "art35", Name: "数量、频次明显超过合理范围且理由不合理", Article: regulation + "第三十五条", NeedsReasons: true,
			Text: "申请人申请公开政府信息的数量、频次明显超过合理范围，行政机关可以要求申请人说明理由。行政机关认为申请理由不合理的，告知申请人不予处理"}}},
	{ID: NotProcessedReconf, Label: "5.要求行政机关确认或重新出具已获取信息", Group: "（五）不予处理", Name: "不予处理：要求确认或重新出具已获取信息", ReplyTitle: "政府信息公开申请不予处理告知书", Refusal: true, Bases: []Basis{
		// No single article; the report row is a practice category (disclosure-rules §1.3). The notice cites the
		// definition of government information, which the agency may replace in its template.
		{Key: "practice", Name: "要求确认或重新出具已获取的信息", Article: regulation + "第二条", NeedsReasons: true,
			Text: "本条例所称政府信息，是指行政机关在履行行政管理职能过程中制作或者获取的，以一定形式记录、保存的信息"}}},
	{ID: OtherNoCorrection, Label: "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", Group: "（六）其他处理", Name: "其他处理：逾期不补正", ReplyTitle: "政府信息公开申请终止处理告知书", Refusal: true, Bases: []Basis{
		{Key: "art30", Name: "无正当理由逾期不补正，视为放弃申请", Article: regulation + "第三十条",
			Text: "申请人无正当理由逾期不补正的，视为放弃申请，行政机关不再处理该政府信息公开申请"}}},
	{ID: OtherNoFee, Label: "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", Group: "（六）其他处理", Name: "其他处理：逾期未缴纳信息处理费", ReplyTitle: "政府信息公开申请终止处理告知书", Refusal: true, Bases: []Basis{
		{Key: "f109", Name: "逾期未缴纳信息处理费，视为放弃申请", Article: "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
			Text: "申请人应当在收到收费通知的次日起20个工作日内缴纳费用，逾期未缴纳的，视为放弃申请，行政机关不再处理该政府信息公开申请"}}},
	{ID: OtherOther, Label: "3.其他", Group: "（六）其他处理", Name: "其他处理：其他（含申请人撤回申请）", ReplyTitle: "政府信息公开申请处理结果告知书", Refusal: true, Bases: []Basis{
		{Key: "withdrawn", Name: "申请人撤回申请", Article: "", Text: ""},
		{Key: "other", Name: "其他情形", Article: "", Text: "", NeedsReasons: true},
	}},
}

// Outcomes of a request to correct a record (更正申请, Art 41). They are not counted in section 三, which counts
// requests for disclosure only.
const (
	CorrectionMade      Outcome = "correction.made"
	CorrectionForwarded Outcome = "correction.forwarded"
	CorrectionRefused   Outcome = "correction.refused"
	CorrectionWithdrawn Outcome = "correction.withdrawn"
)

const art41 = "公民、法人或者其他组织有证据证明行政机关提供的与其自身相关的政府信息记录不准确的，可以要求行政机关更正。有权更正的行政机关审核属实的，应当予以更正并告知申请人；不属于本行政机关职能范围的，行政机关可以转送有权更正的行政机关处理并告知申请人，或者告知申请人向有权更正的行政机关提出"

var correctionSpecs = []OutcomeSpec{
	{ID: CorrectionMade, Label: "予以更正", Name: "予以更正", ReplyTitle: "政府信息更正申请处理告知书", Bases: []Basis{
		{Key: "art41", Name: "审核属实，予以更正", Article: regulation + "第四十一条", Text: art41}}},
	{ID: CorrectionForwarded, Label: "转送或告知有权机关", Name: "不属于本机关职能范围", ReplyTitle: "政府信息更正申请处理告知书", Refusal: true, Bases: []Basis{
		{Key: "art41", Name: "转送或告知有权更正的机关", Article: regulation + "第四十一条", Text: art41, NeedsReasons: true}}},
	{ID: CorrectionRefused, Label: "不予更正", Name: "不予更正", ReplyTitle: "政府信息更正申请处理告知书", Refusal: true, Bases: []Basis{
		{Key: "art41", Name: "审核不属实", Article: regulation + "第四十一条", Text: art41, NeedsReasons: true}}},
	{ID: CorrectionWithdrawn, Label: "申请人撤回", Name: "申请人撤回更正申请", ReplyTitle: "政府信息更正申请处理告知书", Bases: []Basis{
		{Key: "withdrawn", Name: "申请人撤回申请"}}},
}

var outcomeIndex = func() map[Outcome]*OutcomeSpec {
	m := map[Outcome]*OutcomeSpec{}
	for i := range outcomeSpecs {
		m[outcomeSpecs[i].ID] = &outcomeSpecs[i]
	}
	for i := range correctionSpecs {
		m[correctionSpecs[i].ID] = &correctionSpecs[i]
	}
	return m
}()

// CorrectionOutcomes returns the outcomes of a correction request (Art 41). The slice is a copy.
func CorrectionOutcomes() []OutcomeSpec { return append([]OutcomeSpec(nil), correctionSpecs...) }

// IsCorrection reports whether o ends a correction request rather than a request for disclosure.
func (o Outcome) IsCorrection() bool { return len(o) > 11 && o[:11] == "correction." }

// Fits reports whether o can end an application of the kind: correction outcomes for correction requests, the
// report's outcomes for requests for disclosure.
func (o Outcome) Fits(k ApplicationKind) bool {
	return o.Valid() && o.IsCorrection() == (k == CorrectionRequest)
}

// Outcomes returns every outcome of a request for disclosure, in the order of the report's rows. The slice is a
// copy.
func Outcomes() []OutcomeSpec { return append([]OutcomeSpec(nil), outcomeSpecs...) }

// Spec returns the outcome's description, and whether o is a known outcome.
func (o Outcome) Spec() (OutcomeSpec, bool) {
	s, ok := outcomeIndex[o]
	if !ok {
		return OutcomeSpec{}, false
	}
	return *s, true
}

// Valid reports whether o is one of the outcomes.
func (o Outcome) Valid() bool { _, ok := outcomeIndex[o]; return ok }

// Basis returns the outcome's basis with the key, or its default basis for "". Errors: EInvalid.
func (o Outcome) Basis(key string) (Basis, error) {
	s, ok := outcomeIndex[o]
	if !ok {
		return Basis{}, Errorf(EInvalid, "未知的办理结果“%s”，请从列表中选择", o)
	}
	if key == "" {
		return s.Bases[0], nil
	}
	for _, b := range s.Bases {
		if b.Key == key {
			return b, nil
		}
	}
	return Basis{}, Errorf(EInvalid, "办理结果“%s”没有依据“%s”，请从列表中选择", s.Name, key)
}

// ReportRow returns the section 三 row the outcome is counted in, in the format of the given era: the current
// format's rows are the outcomes themselves; the trial format (2019–2020) has a single row "other" for （六）其他处理.
func (o Outcome) ReportRow(era string) string {
	if era == "2019" && len(o) > 6 && o[:6] == "other." {
		return "other"
	}
	return string(o)
}
