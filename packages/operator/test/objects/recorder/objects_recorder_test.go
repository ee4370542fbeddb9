// Records every object the Go operator's Reconcile writes for the WhatapAgents that
// cases.ts generates: one Reconcile of an empty fake cluster per case (the first pass,
// so the create branch of each CreateOrUpdate), then every object of the kinds the
// install functions write, as JSON. Not built here: record.sh copies it into
// internal/controller of a checkout of github.com/whatap/whatap-operator, runs it, and
// removes it again.
package controller

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/go-logr/logr"
	monitoringv2alpha1 "github.com/whatap/whatap-operator/api/v2alpha1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/record"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

type objectsCase struct {
	Agent     json.RawMessage `json:"agent"`
	Namespace string          `json:"namespace"`
}

type objectsTLS struct {
	CaCert  string `json:"caCert"`
	CaKey   string `json:"caKey"`
	TLSCert string `json:"tlsCert"`
	TLSKey  string `json:"tlsKey"`
}

type objectsOutput struct {
	Error   string                   `json:"error,omitempty"`
	Objects []map[string]interface{} `json:"objects"`
}

// The kinds the install functions and the webhook plumbing write (CreateOrUpdate targets).
var recordedKinds = []schema.GroupVersionKind{
	{Group: "apps", Version: "v1", Kind: "Deployment"},
	{Group: "apps", Version: "v1", Kind: "DaemonSet"},
	{Group: "", Version: "v1", Kind: "ConfigMap"},
	{Group: "", Version: "v1", Kind: "Service"},
	{Group: "", Version: "v1", Kind: "Secret"},
	{Group: "", Version: "v1", Kind: "ServiceAccount"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRoleBinding"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "Role"},
	{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "RoleBinding"},
	{Group: "admissionregistration.k8s.io", Version: "v1", Kind: "MutatingWebhookConfiguration"},
	{Group: "admissionregistration.k8s.io", Version: "v1", Kind: "ValidatingWebhookConfiguration"},
}

func TestRecordObjects(t *testing.T) {
	ctrl.SetLogger(logr.Discard())
	var input struct {
		TLS   objectsTLS    `json:"tls"`
		Cases []objectsCase `json:"cases"`
	}
	recorderRead(t, "OBJECTS_CASES", &input)
	scheme := recorderScheme(t)
	outs := make([]objectsOutput, 0, len(input.Cases))
	for i := range input.Cases {
		c := &input.Cases[i]
		agent := &monitoringv2alpha1.WhatapAgent{}
		if err := json.Unmarshal(c.Agent, agent); err != nil {
			t.Fatal(err)
		}
		// The fake client hands objects back through a typed JSON round trip, which drops
		// what omitempty drops (`limits: {}`, `nodeSelector: {}`). The API server keeps a
		// CR's JSON as written and the informer decodes it as is, so the spec the
		// reconciler reads is put back from the case's own JSON after every call.
		raw := c.Agent
		restore := func(obj client.Object) {
			if wa, ok := obj.(*monitoringv2alpha1.WhatapAgent); ok {
				fresh := monitoringv2alpha1.WhatapAgent{}
				_ = json.Unmarshal(raw, &fresh)
				wa.Spec = fresh.Spec
			}
		}
		c2 := fake.NewClientBuilder().WithScheme(scheme).WithObjects(agent.DeepCopy()).
			WithStatusSubresource(&monitoringv2alpha1.WhatapAgent{}).
			WithInterceptorFuncs(interceptor.Funcs{
				Get: func(ctx context.Context, cl client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
					err := cl.Get(ctx, key, obj, opts...)
					restore(obj)
					return err
				},
				Update: func(ctx context.Context, cl client.WithWatch, obj client.Object, opts ...client.UpdateOption) error {
					err := cl.Update(ctx, obj, opts...)
					restore(obj)
					return err
				},
				SubResourceUpdate: func(ctx context.Context, cl client.Client, sub string, obj client.Object, opts ...client.SubResourceUpdateOption) error {
					err := cl.SubResource(sub).Update(ctx, obj, opts...)
					restore(obj)
					return err
				},
			}).Build()
		r := &WhatapAgentReconciler{
			Client:           c2,
			Scheme:           scheme,
			Recorder:         record.NewFakeRecorder(1000),
			DefaultNamespace: c.Namespace,
			WebhookCABundle:  []byte(input.TLS.CaCert),
			CaKey:            []byte(input.TLS.CaKey),
			ServerCert:       []byte(input.TLS.TLSCert),
			ServerKey:        []byte(input.TLS.TLSKey),
		}
		out := objectsOutput{Objects: []map[string]interface{}{}}
		ctx := context.Background()
		if _, err := r.Reconcile(ctx, ctrl.Request{NamespacedName: types.NamespacedName{Name: agent.Name}}); err != nil {
			out.Error = err.Error()
		}
		for _, gvk := range recordedKinds {
			list := &unstructured.UnstructuredList{}
			list.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
			if err := c2.List(ctx, list, client.InNamespace("")); err != nil {
				t.Fatalf("list %s: %v", gvk.Kind, err)
			}
			for _, item := range list.Items {
				obj := item.Object
				obj["apiVersion"] = gvk.GroupVersion().String()
				obj["kind"] = gvk.Kind
				out.Objects = append(out.Objects, obj)
			}
		}
		outs = append(outs, out)
	}
	recorderWrite(t, "OBJECTS_OUT", outs)
}
