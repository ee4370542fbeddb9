// Helpers shared by the recorders' Go tests (packages/*/test/**/recorder/*_test.go). Not
// built here: lib.sh's go_record copies this file next to them into a checkout of
// github.com/whatap/whatap-operator, with the package clause set to the package it runs in.
package recorder

import (
	"encoding/json"
	"os"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"

	monitoringv2alpha1 "github.com/whatap/whatap-operator/api/v2alpha1"
)

// recorderRead decodes the JSON file that the environment variable env names into v.
func recorderRead(t *testing.T, env string, v any) {
	t.Helper()
	in, err := os.ReadFile(os.Getenv(env))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(in, v); err != nil {
		t.Fatal(err)
	}
}

// recorderWrite writes v as JSON to the file that the environment variable env names.
func recorderWrite(t *testing.T, env string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv(env), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// recorderScheme holds client-go's types and the WhaTap kinds, as the operator's manager registers them.
func recorderScheme(t *testing.T) *runtime.Scheme {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	if err := monitoringv2alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	return scheme
}
