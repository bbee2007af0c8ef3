// Package casexlsx moves applications (政府信息公开申请) between gongkai and Excel: Export writes a list for
// leaders and archives, Template writes the import template, and Parse reads a filled-in template — an officer's
// ledger of past cases — into applications ready for the workflow, or into every problem found, row by row.
//
// The package is pure: it knows no database and depends on disclosure, workday and excelize only. Excelize
// writes the workbooks; Parse reads cell values with its own bounded reader (see reader.go for why), because the
// files it reads come from outside and must not be able to make it run for minutes or exhaust memory.
package casexlsx
