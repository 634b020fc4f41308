package messages

import "strings"

// MyDataFile is the name of /mydata's file, the same in every language:
// the README and a person's own records name it.
const MyDataFile = "hearth-mydata.json"

// /mydata and /forget.
func (p *Printer) MyDataSummary(groups, waiting, agreements, attendance int) string {
	return p.fill("mydata_summary", args{"Groups": groups, "Waiting": waiting, "Agreements": agreements, "Attendance": attendance})
}
func (p *Printer) ForgetConfirm() string   { return p.text("forget_confirm") }
func (p *Printer) ForgetButton() string    { return p.text("forget_button") }
func (p *Printer) ForgetCancelled() string { return p.text("forget_cancelled") }
func (p *Printer) ForgetDone() string      { return p.text("forget_done") }
func (p *Printer) ForgetPending() string   { return p.text("forget_pending") }
func (p *Printer) ForgetNotYours() string  { return p.text("forget_not_yours") }

// ForgetFacilitator refuses /forget to a facilitator, naming their groups.
func (p *Printer) ForgetFacilitator(groups []string) string {
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = Name(g)
	}
	return p.fill("forget_facilitator", args{"Groups": strings.Join(names, ", ")})
}
