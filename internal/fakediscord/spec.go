package fakediscord

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// specJSON is Discord's official OpenAPI 3.1 description of the HTTP API
// (see testdata/discord-api/PROVENANCE.md).
//
//go:embed testdata/discord-api/openapi.json
var specJSON []byte

const specURL = "https://fakediscord.invalid/openapi.json"

// specOp is one operation (method + path template) of the spec.
type specOp struct {
	Method      string
	Template    string // e.g. "/channels/{channel_id}/messages"
	OperationID string
	NoAuth      bool // security allows an unauthenticated call
	segs        []string
	pathParams  map[string]string // name -> schema location
	queryParams map[string]string // name -> schema location
	bodyLoc     string            // schema location of the JSON body, "" if none
	bodyNeeded  bool
}

type apiSpec struct {
	ops      map[string][]*specOp // by method
	byPath   map[string]bool      // templates
	locales  map[string]bool      // AvailableLocalesEnum: the locales Discord knows
	mu       sync.Mutex           // guards compiler and schemas
	compiler *jsonschema.Compiler
	schemas  map[string]*jsonschema.Schema
}

var (
	specOnce sync.Once
	specVal  *apiSpec
	specErr  error
)

// loadSpec parses the embedded spec once per process. Schemas are compiled
// lazily (once each) on first use.
func loadSpec() (*apiSpec, error) {
	specOnce.Do(func() {
		specVal, specErr = parseSpec(specJSON)
	})
	return specVal, specErr
}

func parseSpec(raw []byte) (*apiSpec, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("fakediscord: parse openapi.json: %w", err)
	}
	var typed struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas struct {
				Locales struct {
					OneOf []struct {
						Const string `json:"const"`
					} `json:"oneOf"`
				} `json:"AvailableLocalesEnum"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &typed); err != nil {
		return nil, fmt.Errorf("fakediscord: parse openapi.json paths: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(specURL, doc); err != nil {
		return nil, fmt.Errorf("fakediscord: add spec resource: %w", err)
	}
	s := &apiSpec{ops: map[string][]*specOp{}, byPath: map[string]bool{}, compiler: c, schemas: map[string]*jsonschema.Schema{},
		locales: map[string]bool{}}
	for _, l := range typed.Components.Schemas.Locales.OneOf {
		s.locales[l.Const] = true
	}
	if !s.locales["en-US"] {
		return nil, fmt.Errorf("fakediscord: openapi.json has no AvailableLocalesEnum with en-US")
	}
	for tmpl, item := range typed.Paths {
		s.byPath[tmpl] = true
		itemPtr := "#/paths/" + ptrEscape(tmpl)
		var common []specParam
		if p, ok := item["parameters"]; ok {
			_ = json.Unmarshal(p, &common)
		}
		for method, rawOp := range item {
			m := strings.ToUpper(method)
			switch m {
			case "GET", "PUT", "POST", "PATCH", "DELETE":
			default:
				continue
			}
			var op struct {
				OperationID string           `json:"operationId"`
				Parameters  []specParam      `json:"parameters"`
				Security    []map[string]any `json:"security"`
				RequestBody *struct {
					Required bool                       `json:"required"`
					Content  map[string]json.RawMessage `json:"content"`
				} `json:"requestBody"`
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				return nil, fmt.Errorf("fakediscord: spec %s %s: %w", m, tmpl, err)
			}
			o := &specOp{Method: m, Template: tmpl, OperationID: op.OperationID,
				segs: strings.Split(strings.Trim(tmpl, "/"), "/"), pathParams: map[string]string{}, queryParams: map[string]string{}}
			opPtr := itemPtr + "/" + method
			for i, p := range common {
				p.loc = itemPtr + "/parameters/" + strconv.Itoa(i) + "/schema"
				o.addParam(p)
			}
			for i, p := range op.Parameters {
				p.loc = opPtr + "/parameters/" + strconv.Itoa(i) + "/schema"
				o.addParam(p)
			}
			for _, sec := range op.Security {
				if len(sec) == 0 {
					o.NoAuth = true
				}
			}
			if len(op.Security) == 0 {
				o.NoAuth = true
			}
			if rb := op.RequestBody; rb != nil {
				if _, ok := rb.Content["application/json"]; ok {
					o.bodyLoc = opPtr + "/requestBody/content/" + ptrEscape("application/json") + "/schema"
					o.bodyNeeded = rb.Required
				}
			}
			s.ops[m] = append(s.ops[m], o)
		}
	}
	for _, ops := range s.ops {
		sort.Slice(ops, func(i, j int) bool { return ops[i].Template < ops[j].Template })
	}
	return s, nil
}

type specParam struct {
	Name string `json:"name"`
	In   string `json:"in"`
	loc  string
}

func (o *specOp) addParam(p specParam) {
	switch p.In {
	case "path":
		o.pathParams[p.Name] = p.loc
	case "query":
		o.queryParams[p.Name] = p.loc
	}
}

// ptrEscape escapes a JSON pointer token and makes it safe in a URL fragment.
func ptrEscape(s string) string {
	s = strings.ReplaceAll(s, "~", "~0")
	s = strings.ReplaceAll(s, "/", "~1")
	return url.PathEscape(s)
}

// match finds the operation for method and path (without the /api/vN
// prefix). Literal segments win over parameters, as Discord's router does
// ("/messages/@original" before "/messages/{message_id}"). It returns the
// operation, the path parameters, and whether any method matched the path.
func (s *apiSpec) match(method, path string) (*specOp, map[string]string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestScore := (*specOp)(nil), -1
	pathKnown := false
	for m, ops := range s.ops {
		for _, o := range ops {
			score, ok := matchSegs(o.segs, segs)
			if !ok {
				continue
			}
			pathKnown = true
			if m == method && score > bestScore {
				best, bestScore = o, score
			}
		}
	}
	if best == nil {
		return nil, nil, pathKnown
	}
	params := map[string]string{}
	for i, seg := range best.segs {
		if strings.HasPrefix(seg, "{") {
			params[strings.Trim(seg, "{}")] = segs[i]
		}
	}
	return best, params, true
}

// matchSegs reports whether segs fit the template and scores literal
// segments, earlier ones weighing more.
func matchSegs(tmpl, segs []string) (int, bool) {
	if len(tmpl) != len(segs) {
		return 0, false
	}
	score := 0
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") {
			if segs[i] == "" {
				return 0, false
			}
			continue
		}
		if t != segs[i] {
			return 0, false
		}
		score |= 1 << (len(tmpl) - i)
	}
	return score, true
}

// schema compiles (once) and returns the schema at a location in the spec.
func (s *apiSpec) schema(loc string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.schemas[loc]; ok {
		return sch, nil
	}
	sch, err := s.compiler.Compile(specURL + loc)
	if err != nil {
		return nil, err
	}
	s.schemas[loc] = sch
	return sch, nil
}
