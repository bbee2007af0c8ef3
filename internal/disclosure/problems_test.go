package disclosure

import (
	"errors"
	"slices"
	"testing"
)

// TestProblemsReportsEveryField: a form with several mistakes gets one problem per field, in the form's order, and
// Validate still says the first of them.
func TestProblemsReportsEveryField(t *testing.T) {
	badID := errors.New("居民身份证号码校验位不正确")
	app := Application{Kind: DisclosureRequest, Channel: Online, Applicant: Applicant{Type: NaturalPerson, Phone: "abc", Email: "x@", Postcode: "12", IDNumber: "110105"},
		Request: Request{Forms: []string{"电子文档"}}}
	ps := app.Problems(func(string, string) (string, error) { return "", badID })
	var fields []string
	for _, p := range ps {
		fields = append(fields, p.Field)
		if p.Message == "" {
			t.Errorf("%s: no message", p.Field)
		}
	}
	want := []string{FormName, FormPhone, FormEmail, FormPostcode, FormIDNumber, FormDescription, FormDelivery}
	if !slices.Equal(fields, want) {
		t.Fatalf("fields %v, want %v", fields, want)
	}
	if ps[4].Message != badID.Error() {
		t.Errorf("id message %q", ps[4].Message)
	}
	app.ReceivedOn = app.ReceivedOn.AddDays(1)
	if err := app.Validate(func(string, string) (string, error) { return "", badID }); ErrorMessage(err) != ps[0].Message {
		t.Errorf("Validate says %v, want the first problem %q", err, ps[0].Message)
	}
}
