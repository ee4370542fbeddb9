// Records the Go operator's scrape_config.yaml and TLS Secret list for the inputs that
// cases.ts generates. Not built here: record.sh copies it into internal/controller of a
// checkout of github.com/whatap/whatap-operator, runs it, and removes it again.
package controller

import (
	"testing"

	monitoringv2alpha1 "github.com/whatap/whatap-operator/api/v2alpha1"
)

type recordedCase struct {
	Agent           monitoringv2alpha1.WhatapAgent            `json:"agent"`
	PodMonitors     []monitoringv2alpha1.WhatapPodMonitor     `json:"podMonitors"`
	ServiceMonitors []monitoringv2alpha1.WhatapServiceMonitor `json:"serviceMonitors"`
	StaticEndpoints []monitoringv2alpha1.WhatapStaticEndpoint `json:"staticEndpoints"`
	Namespace       string                                    `json:"namespace"`
}

type recordedOutput struct {
	Config     string              `json:"config"`
	TLSSecrets map[string][]string `json:"tlsSecrets"`
}

func TestRecordScrapeConfig(t *testing.T) {
	var cases []recordedCase
	recorderRead(t, "SCRAPE_CASES", &cases)
	outs := make([]recordedOutput, 0, len(cases))
	for i := range cases {
		c := &cases[i]
		pods := &monitoringv2alpha1.WhatapPodMonitorList{Items: c.PodMonitors}
		services := &monitoringv2alpha1.WhatapServiceMonitorList{Items: c.ServiceMonitors}
		statics := &monitoringv2alpha1.WhatapStaticEndpointList{Items: c.StaticEndpoints}
		outs = append(outs, recordedOutput{
			Config:     generateScrapeConfig(&c.Agent, c.Namespace, pods, services, statics),
			TLSSecrets: collectAllTLSSecrets(c.Agent.Spec.Features.OpenAgent.Targets, pods, services),
		})
	}
	recorderWrite(t, "SCRAPE_OUT", outs)
}
