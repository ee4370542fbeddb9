// Records the Go operator's pod-mutation webhook answers for the inputs that cases.ts
// generates. Not built here: record.sh copies it into internal/webhook/v2alpha1 of a
// checkout of github.com/whatap/whatap-operator, runs it, and removes it again.
//
// Each case is served exactly as the manager serves it: the admission.Webhook that
// ctrl.NewWebhookManagedBy(mgr).For(&corev1.Pod{}).WithDefaulter(...) builds, over HTTP
// (ServeHTTP), with a fake client holding the case's WhatapAgent and Namespace. The
// recorded answer is the HTTP status and the AdmissionReview body the API server reads.
package v2alpha1

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	monitoringv2alpha1 "github.com/whatap/whatap-operator/api/v2alpha1"
)

type mutationCase struct {
	Agent     *monitoringv2alpha1.WhatapAgent `json:"agent"`
	Namespace *corev1.Namespace               `json:"namespace"`
	Review    json.RawMessage                 `json:"review"`
}

type mutationOutput struct {
	HTTPStatus int             `json:"httpStatus"`
	Review     json.RawMessage `json:"review"`
}

func TestRecordPodMutation(t *testing.T) {
	// The operator process' credentials (config.GetEnvConfig reads them once).
	os.Setenv("WHATAP_LICENSE", "L")
	os.Setenv("WHATAP_HOST", "H")
	os.Setenv("WHATAP_PORT", "6600")
	var cases []mutationCase
	recorderRead(t, "MUTATION_CASES", &cases)
	scheme := recorderScheme(t)
	outs := make([]mutationOutput, 0, len(cases))
	for i := range cases {
		c := &cases[i]
		var objects []client.Object
		if c.Agent != nil {
			objects = append(objects, c.Agent)
		}
		if c.Namespace != nil {
			objects = append(objects, c.Namespace)
		}
		cl := fake.NewClientBuilder().WithScheme(scheme).WithObjects(objects...).Build()
		wh := admission.WithCustomDefaulter(scheme, &corev1.Pod{}, &WhatapAgentCustomDefaulter{client: cl})
		req := httptest.NewRequest(http.MethodPost, "/whatap-injection--v1-pod", bytes.NewReader(c.Review))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		wh.ServeHTTP(rec, req)
		body := bytes.TrimSpace(rec.Body.Bytes())
		if !json.Valid(body) {
			b, _ := json.Marshal(string(body))
			body = b
		}
		outs = append(outs, mutationOutput{HTTPStatus: rec.Code, Review: body})
	}
	recorderWrite(t, "MUTATION_OUT", outs)
}
