// GPU differential recorder: record.sh copies it into internal/controller of a checkout of
// github.com/whatap/whatap-operator as zz_gpu_recorder_test.go, runs it, and removes it.
// TestGpuDiffFunctions: addDcgmExporterToNodeAgent, negateNodeSelectorTerm and the CSV constant
// for every case of GPUDIFF_CASES. TestGpuDiffMemCheck: checkPod on a fake clientset, with the
// node helper served on 127.0.0.1:6801, for every scenario of GPUDIFF_MEM.
package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	monitoringv2alpha1 "github.com/whatap/whatap-operator/api/v2alpha1"
	"github.com/whatap/whatap-operator/internal/gpu"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kfake "k8s.io/client-go/kubernetes/fake"
)

type gpuFnOut struct {
	DecodeError string                      `json:"decodeError,omitempty"`
	Containers  []corev1.Container          `json:"containers"`
	Volumes     []corev1.Volume             `json:"volumes"`
	Negated     [][]corev1.NodeSelectorTerm `json:"negated"`
}

func TestGpuDiffFunctions(t *testing.T) {
	var input struct {
		Cases []struct {
			Agent json.RawMessage `json:"agent"`
		} `json:"cases"`
	}
	recorderRead(t, "GPUDIFF_CASES", &input)
	outs := []gpuFnOut{}
	for _, c := range input.Cases {
		cr := &monitoringv2alpha1.WhatapAgent{}
		o := gpuFnOut{}
		if err := json.Unmarshal(c.Agent, cr); err != nil {
			o.DecodeError = err.Error()
			outs = append(outs, o)
			continue
		}
		ps := corev1.PodSpec{}
		addDcgmExporterToNodeAgent(&ps, cr)
		o.Containers, o.Volumes = ps.Containers, ps.Volumes
		g := cr.Spec.Features.K8sAgent.GpuMonitoring
		if g.Affinity != nil && g.Affinity.NodeAffinity != nil && g.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			for _, term := range g.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
				o.Negated = append(o.Negated, negateNodeSelectorTerm(term))
			}
		}
		outs = append(outs, o)
	}
	recorderWrite(t, "GPUDIFF_OUT", outs)
	if err := os.WriteFile(os.Getenv("GPUDIFF_CSV"), []byte(gpu.WhatapGPUMetricsCSV), 0o644); err != nil {
		t.Fatal(err)
	}
}

type memScenario struct {
	Name        string  `json:"name"`
	Phase       string  `json:"phase"`
	Deleting    bool    `json:"deleting"`
	ContainerID *string `json:"containerID"` // nil: no dcgm-exporter status
	StatsStatus int     `json:"statsStatus"`
	StatsBody   string  `json:"statsBody"`
	ListStatus  int     `json:"listStatus"`
	ListBody    string  `json:"listBody"`
}

type memOut struct {
	Deleted  bool     `json:"deleted"`
	Logs     []string `json:"logs"`
	Quantity *struct {
		Value int64  `json:"value"`
		Err   string `json:"err,omitempty"`
	} `json:"quantity,omitempty"`
}

func TestGpuDiffMemCheck(t *testing.T) {
	var input struct {
		Scenarios  []memScenario `json:"scenarios"`
		Quantities []string      `json:"quantities"`
	}
	recorderRead(t, "GPUDIFF_MEM", &input)
	var cur *memScenario
	mux := http.NewServeMux()
	mux.HandleFunc("/container", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(cur.ListStatus)
		_, _ = w.Write([]byte(cur.ListBody))
	})
	mux.HandleFunc("/container/", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/stats") {
			w.WriteHeader(404)
			return
		}
		w.WriteHeader(cur.StatsStatus)
		_, _ = w.Write([]byte(cur.StatsBody))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:6801")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	outs := []memOut{}
	for i := range input.Scenarios {
		s := &input.Scenarios[i]
		cur = s
		pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: s.Name, Namespace: "whatap-monitoring", Labels: map[string]string{"whatap-gpu": "true"}},
			Status: corev1.PodStatus{Phase: corev1.PodPhase(s.Phase), PodIP: "127.0.0.1"}}
		if s.Deleting {
			now := metav1.NewTime(time.Unix(1700000000, 0))
			pod.DeletionTimestamp = &now
			pod.Finalizers = []string{"x"}
		}
		pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "whatap-node-agent", ContainerID: "containerd://other"}}
		if s.ContainerID != nil {
			pod.Status.ContainerStatuses = append(pod.Status.ContainerStatuses, corev1.ContainerStatus{Name: "dcgm-exporter", ContainerID: *s.ContainerID})
		}
		cs := kfake.NewSimpleClientset(pod.DeepCopy())
		var logs []string
		log := funcr.New(func(prefix, args string) { logs = append(logs, args) }, funcr.Options{Verbosity: 1})
		r := &GpuMemChecker{ClientSet: cs, Interval: time.Second, Log: log}
		r.checkPod(context.Background(), pod)
		_, err := cs.CoreV1().Pods("whatap-monitoring").Get(context.Background(), s.Name, metav1.GetOptions{})
		outs = append(outs, memOut{Deleted: err != nil, Logs: logs})
	}
	qs := []map[string]interface{}{}
	for _, q := range input.Quantities {
		m := map[string]interface{}{"in": q}
		qty, err := resource.ParseQuantity(q)
		if err != nil {
			m["err"] = err.Error()
		} else {
			m["value"] = fmt.Sprintf("%d", uint64(qty.Value()))
			m["int64"] = qty.Value()
			m["canonical"] = qty.String() // what the API server stores in a pod spec
		}
		qs = append(qs, m)
	}
	recorderWrite(t, "GPUDIFF_MEM_OUT", map[string]interface{}{"scenarios": outs, "quantities": qs})
}
