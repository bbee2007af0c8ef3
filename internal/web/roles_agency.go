package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/gongkai/gongkai/internal/catalogue"
	"github.com/gongkai/gongkai/internal/disclosure"
)

// agencyRoles returns the roles an account holds for an agency, directly or for an agency above it (a supervisor
// of the county reads every bureau's work; an officer of a bureau handles its subordinate units' too). It is the
// per-agency resolution caseRoles does for applications, for any part of the console.
func (s *Server) agencyRoles(ctx context.Context, u *disclosure.User, a *disclosure.Agency) map[disclosure.Role]bool {
	out := map[disclosure.Role]bool{}
	if u == nil {
		return out
	}
	chain := s.ancestors(ctx, a)
	for _, g := range u.Grants {
		if g.AgencyID != nil && slices.Contains(chain, *g.AgencyID) {
			out[g.Role] = true
		}
	}
	return out
}

// itemRoles returns what an account may do with the items of an agency: the catalogue's actor kinds from its roles
// (公开专员 writes and publishes, 保密审查员 reviews, 审批领导 approves where the agency requires it) and whether it
// may read them at all (a supervisor reads, never acts; the system roles and the agency administrator do not see
// the catalogue's work in progress).
func (s *Server) itemRoles(ctx context.Context, u *disclosure.User, a *disclosure.Agency) (who catalogue.Who, read bool) {
	roles := s.agencyRoles(ctx, u, a)
	if roles[disclosure.Officer] {
		who |= catalogue.ByOfficer
	}
	if roles[disclosure.Reviewer] {
		who |= catalogue.ByReviewer
	}
	if roles[disclosure.Approver] {
		who |= catalogue.ByApprover
	}
	return who, who != 0 || roles[disclosure.Supervisor]
}

// itemReaders are the roles that read an agency's items in the console.
var itemReaders = []disclosure.Role{disclosure.Officer, disclosure.Reviewer, disclosure.Approver, disclosure.Supervisor}

// roleAgencies returns the IDs of the agencies in the subtrees where the account holds one of the roles, in the
// order of its grants.
func (s *Server) roleAgencies(r *http.Request, u *disclosure.User, roles ...disclosure.Role) ([]int64, error) {
	ids := []int64{}
	seen := map[int64]bool{}
	for _, g := range u.Grants {
		if g.AgencyID == nil || !slices.Contains(roles, g.Role) {
			continue
		}
		sub, err := s.db.ListAgencies(r.Context(), g.AgencyID)
		if err != nil {
			return nil, err
		}
		for _, a := range sub {
			if !seen[a.ID] {
				seen[a.ID] = true
				ids = append(ids, a.ID)
			}
		}
	}
	return ids, nil
}
