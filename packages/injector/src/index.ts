/**
 * @whatap-operator/injector: admission (AdmissionReview, responses), the per-language
 * injectors, target resolution, the HTTPS server and the webhook certificate lifecycle.
 */
export * as Certificates from "./Certificates.ts"
