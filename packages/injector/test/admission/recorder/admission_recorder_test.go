// Records the Go operator's answers to the HTTP requests that cases.ts generates, for both
// of its admission webhooks. Not built here: record.sh copies it into
// internal/webhook/v2alpha1 of a checkout of github.com/whatap/whatap-operator, runs it, and
// removes it again.
//
// The webhooks are built and registered as the manager does
// (ctrl.NewWebhookManagedBy(mgr)...WithDefaulter / WithValidator ... Complete(): the
// admission.Webhook of admission.WithCustomDefaulter / WithCustomValidator, registered with
// webhook.Server.Register at the operator's custom paths), with a fake client holding a
// WhatapAgent `whatap` and the Namespace `default`. The server's mux is served over
// httptest (a real HTTP/1.1 listener on loopback) and each case is sent as its exact bytes
// and headers. The recorded answer is the HTTP status, the Content-Type header and the body.
package v2alpha1

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	monitoringv2alpha1 "github.com/whatap/whatap-operator/api/v2alpha1"
)

type httpCase struct {
	Name        string          `json:"name"`
	Path        string          `json:"path"`
	Method      string          `json:"method"`
	ContentType json.RawMessage `json:"contentType"`
	Body        string          `json:"body"`
	BodyBase64  bool            `json:"bodyBase64"`
	PadTo       int             `json:"padTo"`
	Chunked     bool            `json:"chunked"`
}

type httpOutput struct {
	HTTPStatus  int    `json:"httpStatus"`
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
}

// The WhatapAgent `whatap` the pod webhook reads: one java target for pods labelled app=demo in `default`.
const recorderAgent = `{"apiVersion":"monitoring.whatap.com/v2alpha1","kind":"WhatapAgent","metadata":{"name":"whatap"},
"spec":{"license":"L","host":"H","port":"6600","features":{"apm":{"instrumentation":{"enabled":true,"targets":[
{"name":"demo","enabled":true,"language":"java","whatapApmVersions":{"java":"2.2.58"},
"namespaceSelector":{"matchNames":["default"]},"podSelector":{"matchLabels":{"app":"demo"}}}]}}}}}`

func caseBody(c *httpCase) []byte {
	body := []byte(c.Body)
	if c.BodyBase64 {
		b, err := base64.StdEncoding.DecodeString(c.Body)
		if err != nil {
			panic(err)
		}
		body = b
	}
	if c.PadTo > len(body) {
		body = append(body, bytes.Repeat([]byte(" "), c.PadTo-len(body))...)
	}
	return body
}

func TestRecordAdmissionHTTP(t *testing.T) {
	os.Setenv("WHATAP_LICENSE", "L")
	os.Setenv("WHATAP_HOST", "H")
	os.Setenv("WHATAP_PORT", "6600")
	var cases []httpCase
	recorderRead(t, "ADMISSION_CASES", &cases)
	scheme := recorderScheme(t)
	agent := &monitoringv2alpha1.WhatapAgent{}
	if err := json.Unmarshal([]byte(recorderAgent), agent); err != nil {
		t.Fatal(err)
	}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "default"}}
	cl := fake.NewClientBuilder().WithScheme(scheme).WithObjects(agent, ns).Build()

	// as ctrl.NewWebhookManagedBy(mgr) builds and registers them (pkg/builder/webhook.go)
	server := webhook.NewServer(webhook.Options{})
	server.Register("/whatap-injection--v1-pod", admission.WithCustomDefaulter(scheme, &corev1.Pod{}, &WhatapAgentCustomDefaulter{client: cl}))
	server.Register("/whatap-validation--v2alpha1-whatapagent", admission.WithCustomValidator(scheme, &monitoringv2alpha1.WhatapAgent{}, &WhatapAgentCustomValidator{client: cl}))
	ts := httptest.NewServer(server.WebhookMux())
	defer ts.Close()

	outs := make([]httpOutput, 0, len(cases))
	for i := range cases {
		c := &cases[i]
		body := caseBody(c)
		var reader io.Reader = bytes.NewReader(body)
		if c.Chunked {
			reader = io.MultiReader(bytes.NewReader(body)) // unknown length: Transfer-Encoding: chunked
		}
		req, err := http.NewRequest(c.Method, ts.URL+c.Path, reader)
		if err != nil {
			t.Fatal(err)
		}
		if c.Chunked {
			req.ContentLength = -1
		} else if len(body) == 0 {
			req.Body = http.NoBody
			req.ContentLength = 0
		}
		var one string
		var many []string
		if json.Unmarshal(c.ContentType, &one) == nil {
			req.Header["Content-Type"] = []string{one}
		} else if json.Unmarshal(c.ContentType, &many) == nil {
			req.Header["Content-Type"] = many
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			outs = append(outs, httpOutput{HTTPStatus: -1, Body: err.Error()})
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		outs = append(outs, httpOutput{HTTPStatus: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: string(b)})
	}
	recorderWrite(t, "ADMISSION_OUT", outs)
}
