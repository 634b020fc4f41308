package fakediscord

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"strconv"
	"strings"
)

// Attachment is a file attached to a message: uploaded as a files[n] part
// of a multipart/form-data body beside payload_json (Discord's "Uploading
// Files"), kept whole so that a test can read it back.
type Attachment struct {
	ID          string
	Filename    string
	Description string
	ContentType string
	Data        []byte
}

// Discord's upload limits: ten files a message, and 10 MiB a request for a
// bot in a server without boosts.
const (
	maxAttachments = 10
	maxUploadBytes = 10 << 20
)

var filePartName = regexp.MustCompile(`^files\[(\d+)\]$`)

// uploads reads the files of a multipart/form-data request: every part
// named files[n] (or the older "file"), with its filename and content type.
// The payload's attachments, when given, name each file by its n (as id)
// and may give it another filename and a description; one naming no file
// is refused, as Discord does. A JSON request has none.
func (rq *request) uploads(payloadAttachments json.RawMessage) ([]Attachment, *apiError) {
	mt, params, _ := mime.ParseMediaType(rq.r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return nil, nil
	}
	if len(rq.body) > maxUploadBytes {
		return nil, &apiError{status: 413, code: 40005, msg: "Request entity too large"}
	}
	mr := multipart.NewReader(bytes.NewReader(rq.body), params["boundary"])
	byIndex := map[string]*Attachment{}
	var files []*Attachment
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errInvalidForm("files", "multipart body: "+err.Error())
		}
		name := p.FormName()
		if name == "payload_json" {
			continue
		}
		index := ""
		if m := filePartName.FindStringSubmatch(name); m != nil {
			index = m[1]
		} else if name != "file" {
			return nil, rq.docsViolation(name, "a part of a multipart body is payload_json or files[n]")
		}
		if p.FileName() == "" {
			return nil, rq.docsViolation(name, "an uploaded file needs a filename")
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, errInvalidForm(name, err.Error())
		}
		ct := p.Header.Get("Content-Type")
		if ct == "" {
			ct = "application/octet-stream"
		}
		a := &Attachment{Filename: p.FileName(), ContentType: ct, Data: data}
		if index != "" {
			if byIndex[index] != nil {
				return nil, rq.docsViolation(name, "two files with one index")
			}
			byIndex[index] = a
		}
		files = append(files, a)
	}
	if len(files) > maxAttachments {
		return nil, rq.docsViolation("files", "at most "+strconv.Itoa(maxAttachments)+" files a message")
	}
	if !isEmptyJSON(payloadAttachments) {
		var described []struct {
			ID          json.RawMessage `json:"id"`
			Filename    string          `json:"filename"`
			Description string          `json:"description"`
		}
		if err := json.Unmarshal(payloadAttachments, &described); err != nil {
			return nil, errInvalidForm("attachments", err.Error())
		}
		for _, d := range described {
			id := strings.Trim(string(d.ID), `"`)
			a := byIndex[id]
			if a == nil {
				continue // an attachment already on the message, kept by an edit
			}
			if d.Filename != "" {
				a.Filename = d.Filename
			}
			a.Description = d.Description
		}
	}
	out := make([]Attachment, len(files))
	for i, a := range files {
		a.ID = rq.s.nextID()
		out[i] = *a
	}
	return out, nil
}

// keptAttachments applies an edit's attachments field to a message's
// attachments: without it every one stays; with it, only those it lists
// by id (new uploads are added by the caller).
func keptAttachments(have []Attachment, payloadAttachments json.RawMessage) []Attachment {
	if payloadAttachments == nil || strings.TrimSpace(string(payloadAttachments)) == "null" {
		return have
	}
	var listed []struct {
		ID json.RawMessage `json:"id"`
	}
	_ = json.Unmarshal(payloadAttachments, &listed)
	keep := map[string]bool{}
	for _, l := range listed {
		keep[strings.Trim(string(l.ID), `"`)] = true
	}
	var out []Attachment
	for _, a := range have {
		if keep[a.ID] {
			out = append(out, a)
		}
	}
	return out
}

// attachmentsJSON is a message's attachments as Discord returns them.
func (s *Server) attachmentsJSON(m *message) []any {
	out := []any{}
	for _, a := range m.attachments {
		url := s.APIURL() + "/attachments/" + m.channelID + "/" + a.ID + "/" + a.Filename
		j := map[string]any{"id": a.ID, "filename": a.Filename, "size": len(a.Data), "url": url, "proxy_url": url,
			"content_type": a.ContentType}
		if a.Description != "" {
			j["description"] = a.Description
		}
		if m.flags&flagEphemeral != 0 {
			j["ephemeral"] = true
		}
		out = append(out, j)
	}
	return out
}

func copyAttachments(as []Attachment) []Attachment {
	out := make([]Attachment, len(as))
	for i, a := range as {
		out[i] = a
		out[i].Data = append([]byte(nil), a.Data...)
	}
	return out
}

// payload is the request's JSON: its body, or a multipart body's
// payload_json.
func (rq *request) payload() []byte {
	if mt, params, _ := mime.ParseMediaType(rq.r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		pj, _ := multipartPayload(rq.body, params["boundary"])
		return pj
	}
	return rq.body
}
