package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"hearth/commands"
)

// maxInteractionBody bounds an interaction request's body. Discord's are
// a few kilobytes (a modal's fields, resolved users and channels); a
// larger one is not Discord's.
const maxInteractionBody = 1 << 20

// signatureMaxAge is how far an interaction's X-Signature-Timestamp may be
// from now, either way: a signed request replayed later is refused.
const signatureMaxAge = 5 * time.Minute

// InteractionsHandler serves Discord's HTTP interactions (the "Interactions
// Endpoint URL" of the Developer Portal): a POST whose body and
// X-Signature-Timestamp are signed in X-Signature-Ed25519 with the
// application's key publicKey. A request without a valid, recent
// signature is answered 401 and nothing runs. PING is answered PONG;
// commands, autocomplete, buttons and modals go to the same router as
// over the gateway, and its first answer is the HTTP response. Nothing
// is kept between requests, so several processes can share the URL.
func (b *Bot) InteractionsHandler(publicKey ed25519.PublicKey) http.Handler {
	return &interactionsHandler{b: b, key: publicKey, now: time.Now}
}

type interactionsHandler struct {
	b   *Bot
	key ed25519.PublicKey
	now func() time.Time
}

func (h *interactionsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInteractionBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "unreadable body", http.StatusBadRequest)
		return
	}
	if !validSignature(h.key, r.Header, body, h.now()) {
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "not an interaction", http.StatusBadRequest)
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeJSON(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	in, ok := commands.Decode(&i)
	if !ok {
		http.Error(w, "unknown interaction type", http.StatusBadRequest)
		return
	}
	if !h.b.isReady() || !h.b.enter() {
		// Starting (channels not yet reconciled) or stopping: Discord
		// shows the person that the interaction failed, and they try again.
		http.Error(w, "not serving yet", http.StatusServiceUnavailable)
		return
	}
	rw := &httpResponder{b: h.b, i: &i, first: make(chan *discordgo.InteractionResponse),
		gone: make(chan struct{}), done: make(chan struct{})}
	go h.serve(in, rw)
	defer close(rw.gone)
	select {
	case resp := <-rw.first:
		rw.writeErr = writeJSON(w, resp)
	case <-rw.done:
		// The router gave no answer (autocomplete that came too late).
		http.Error(w, "no answer", http.StatusServiceUnavailable)
	case <-r.Context().Done():
		rw.writeErr = r.Context().Err() // Discord gave up waiting
	}
}

// serve runs the router in the bot's lifetime, not the request's: a
// deferred answer is sent after the request has ended.
func (h *interactionsHandler) serve(in *commands.Interaction, rw *httpResponder) {
	b := h.b
	defer b.wg.Done()
	defer close(rw.done)
	ctx, cancel := context.WithTimeout(b.ctx, handlerTimeout)
	defer cancel()
	if err := b.router.Serve(ctx, in, rw); err != nil {
		b.log.Error("reply failed", "route", in.Route(), "err", err)
	}
}

// validSignature checks Discord's signature of an interaction request: hex
// ed25519 over the timestamp followed by the raw body, with a timestamp
// (unix seconds) within signatureMaxAge of now.
func validSignature(key ed25519.PublicKey, hdr http.Header, body []byte, now time.Time) bool {
	sig, err := hex.DecodeString(hdr.Get("X-Signature-Ed25519"))
	ts := hdr.Get("X-Signature-Timestamp")
	if err != nil || len(sig) != ed25519.SignatureSize || len(key) != ed25519.PublicKeySize || ts == "" {
		return false
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	if age := now.Sub(time.Unix(secs, 0)); age > signatureMaxAge || age < -signatureMaxAge {
		return false
	}
	msg := make([]byte, 0, len(ts)+len(body))
	return ed25519.Verify(key, append(append(msg, ts...), body...), sig)
}

func writeJSON(w http.ResponseWriter, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding the answer failed", http.StatusInternalServerError)
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if _, err := w.Write(data); err != nil {
		return err
	}
	if f, ok := w.(http.Flusher); ok {
		f.Flush() // on the wire before a follow-up can race it
	}
	return nil
}

// httpResponder answers one HTTP interaction: the first answer (the reply,
// or the deferral) is the HTTP response; once deferred, the reply edits
// the original response through the interaction's webhook, as over the
// gateway.
type httpResponder struct {
	b        *Bot
	i        *discordgo.Interaction
	first    chan *discordgo.InteractionResponse // taken by the HTTP handler
	gone     chan struct{}                       // closed when the HTTP handler has returned
	done     chan struct{}                       // closed when the router is done
	writeErr error                               // written before gone is closed

	mu                 sync.Mutex
	answered, deferred bool
}

// errAnswered is a second first answer: a bug in the caller.
var errAnswered = errors.New("interaction already answered")

// errRequestGone is an answer that came after the HTTP request ended.
var errRequestGone = errors.New("the interaction's HTTP request has ended")

// answer hands resp to the HTTP handler and waits until it is written.
func (w *httpResponder) answer(resp *discordgo.InteractionResponse, deferred bool) error {
	w.mu.Lock()
	if w.answered {
		w.mu.Unlock()
		return errAnswered
	}
	w.answered, w.deferred = true, deferred
	w.mu.Unlock()
	select {
	case w.first <- resp:
	case <-w.gone:
		return errRequestGone
	}
	<-w.gone
	return w.writeErr
}

func (w *httpResponder) Defer(_ context.Context, in *commands.Interaction) error {
	return w.answer(deferral(in), true)
}

func (w *httpResponder) Respond(ctx context.Context, in *commands.Interaction, resp commands.Response) error {
	w.mu.Lock()
	deferred := w.deferred
	w.mu.Unlock()
	if !deferred && len(resp.Files) > 0 {
		// A file needs a multipart body, which an HTTP answer to Discord
		// cannot carry: defer, then edit the reply in with the file.
		if err := w.Defer(ctx, in); err != nil {
			return err
		}
		deferred = true
	}
	if deferred {
		return w.b.editOriginal(ctx, w.i, resp)
	}
	return w.answer(callback(in, resp), false)
}
