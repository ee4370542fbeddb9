/**
 * What every recorded WhatapAgent shares with its replay (objects and gpu-diff recorders):
 * the webhook PEMs the Go recorder's Secret and our render are given, and the CR's uid, so
 * owner references compare too.
 */
export const apiVersion = "monitoring.whatap.com/v2alpha1"
export const uid = "5f0c8a52-7d4e-4c51-9d1e-000000000001"
export const tls = {
  caCert: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n",
  caKey: "-----BEGIN RSA PRIVATE KEY-----\nCAKEY\n-----END RSA PRIVATE KEY-----\n",
  tlsCert: "-----BEGIN CERTIFICATE-----\nSERVING\n-----END CERTIFICATE-----\n",
  tlsKey: "-----BEGIN RSA PRIVATE KEY-----\nSERVINGKEY\n-----END RSA PRIVATE KEY-----\n"
}
