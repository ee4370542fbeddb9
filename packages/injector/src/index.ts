/**
 * @whatap-operator/injector: admission (AdmissionReview, responses), the per-language
 * injectors, target resolution, the HTTPS server and the webhook certificate lifecycle.
 */
export * as Certificates from "./Certificates.ts"
export * as Inject from "./Inject.ts"
export * as JsonPatch from "./JsonPatch.ts"
export * as Admission from "./Admission.ts"
export * as AdmissionServer from "./AdmissionServer.ts"
export * as Validating from "./Validating.ts"
export * as PodAdmission from "./PodAdmission.ts"
