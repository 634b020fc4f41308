package fakediscord

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// permissionKeys are the fields holding permission bit sets. The spec types
// them as integers, but Discord's docs (and every response) use decimal
// strings and the API accepts int-parseable strings; discordgo sends strings.
var permissionKeys = map[string]bool{
	"permissions":                true,
	"allow":                      true,
	"deny":                       true,
	"default_member_permissions": true,
}

// specProblem is a request that breaks the spec.
type specProblem struct {
	status int    // HTTP status to answer
	msg    string // human-readable details for the test log
	errs   any    // Discord-style "errors" tree for 50035, may be nil
}

// checkParams validates path and query parameters against the spec.
func (s *apiSpec) checkParams(op *specOp, pathParams map[string]string, query url.Values) *specProblem {
	var msgs []string
	names := make([]string, 0, len(pathParams))
	for n := range pathParams {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		loc, ok := op.pathParams[name]
		if !ok {
			continue
		}
		if err := s.validateValue(loc, pathParams[name]); err != nil {
			msgs = append(msgs, fmt.Sprintf("path parameter %s=%q: %v", name, pathParams[name], err))
		}
	}
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		loc, ok := op.queryParams[k]
		if !ok {
			msgs = append(msgs, fmt.Sprintf("query parameter %q is not defined for %s %s", k, op.Method, op.Template))
			continue
		}
		for _, v := range query[k] {
			if err := s.validateValue(loc, v); err != nil {
				msgs = append(msgs, fmt.Sprintf("query parameter %s=%q: %v", k, v, err))
			}
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return &specProblem{status: 400, msg: strings.Join(msgs, "\n")}
}

// validateValue checks a string from the URL against a parameter schema,
// trying it as a number or boolean first when it looks like one.
func (s *apiSpec) validateValue(loc, raw string) error {
	sch, err := s.schema(loc)
	if err != nil {
		return fmt.Errorf("compile %s: %w", loc, err)
	}
	var cands []any
	if _, err := strconv.ParseFloat(raw, 64); err == nil {
		cands = append(cands, json.Number(raw))
	}
	if raw == "true" || raw == "false" {
		cands = append(cands, raw == "true")
	}
	cands = append(cands, raw)
	var first error
	for _, v := range cands {
		if err := sch.Validate(v); err == nil {
			return nil
		} else if first == nil {
			first = err
		}
	}
	return first
}

// checkBody validates the request body of op. It returns the decoded JSON
// (nil if there is none) and a problem, if any.
func (s *apiSpec) checkBody(op *specOp, contentType string, body []byte) (any, *specProblem) {
	mt, params, _ := mime.ParseMediaType(contentType)
	payload := body
	if mt == "multipart/form-data" && len(body) > 0 {
		pj, err := multipartPayload(body, params["boundary"])
		if err != nil {
			return nil, &specProblem{status: 400, msg: "multipart body: " + err.Error()}
		}
		payload = pj
	} else if len(bytes.TrimSpace(body)) > 0 && mt != "application/json" {
		return nil, &specProblem{status: 400, msg: fmt.Sprintf("Content-Type %q is not application/json", contentType)}
	}
	if len(bytes.TrimSpace(payload)) == 0 {
		if op.bodyNeeded {
			return nil, &specProblem{status: 400, msg: fmt.Sprintf("%s %s (%s) requires a JSON body", op.Method, op.Template, op.OperationID)}
		}
		return nil, nil
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(payload))
	if err != nil {
		return nil, &specProblem{status: 400, msg: "body is not valid JSON: " + err.Error()}
	}
	if op.bodyLoc == "" {
		return doc, &specProblem{status: 400, msg: fmt.Sprintf("%s %s (%s) takes no request body, got %s", op.Method, op.Template, op.OperationID, truncate(payload, 300))}
	}
	sch, err := s.schema(op.bodyLoc)
	if err != nil {
		return doc, &specProblem{status: 500, msg: fmt.Sprintf("compile schema of %s: %v", op.OperationID, err)}
	}
	norm := normalisePermissions(doc, "")
	if err := sch.Validate(norm); err != nil {
		p := &specProblem{status: 400, msg: fmt.Sprintf("body of %s %s (%s) breaks the spec: %v\nbody: %s", op.Method, op.Template, op.OperationID, err, truncate(payload, 2000))}
		var verr *jsonschema.ValidationError
		if errors.As(err, &verr) {
			p.errs = errorTree(verr)
		}
		return doc, p
	}
	return doc, nil
}

// normalisePermissions returns a copy of v where permission bit sets given
// as int-parseable strings are numbers, as the spec expects.
func normalisePermissions(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalisePermissions(e, k)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalisePermissions(e, "")
		}
		return out
	case string:
		if permissionKeys[key] && isDecimal(x) {
			return json.Number(x)
		}
	}
	return v
}

func isDecimal(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// multipartPayload extracts the payload_json part of a multipart body.
func multipartPayload(body []byte, boundary string) ([]byte, error) {
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := r.NextPart()
		if err != nil {
			return nil, nil // no payload_json: files only
		}
		if p.FormName() == "payload_json" {
			var buf bytes.Buffer
			_, err := buf.ReadFrom(p)
			return buf.Bytes(), err
		}
	}
}

// errorTree turns a validation error into Discord's nested "errors" object:
// keys are field names / indexes, leaves hold {"_errors": [...]}.
func errorTree(verr *jsonschema.ValidationError) map[string]any {
	root := map[string]any{}
	out := verr.BasicOutput()
	for i, u := range out.Errors {
		// keep leaves only: an entry followed by a deeper one is a summary
		if u.Error == nil || i+1 < len(out.Errors) && strings.HasPrefix(out.Errors[i+1].KeywordLocation, u.KeywordLocation+"/") {
			continue
		}
		node := root
		for _, tok := range strings.Split(strings.TrimPrefix(u.InstanceLocation, "/"), "/") {
			if tok == "" {
				continue
			}
			child, ok := node[tok].(map[string]any)
			if !ok {
				child = map[string]any{}
				node[tok] = child
			}
			node = child
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": "BASE_TYPE_INVALID", "message": u.Error.String()})
	}
	return root
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}
