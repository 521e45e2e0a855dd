// What other packages may use without starting the server: the scheduling domain (admission, the
// prefill-cost queue, latency-sensitive arrivals, priority classes), for virtual-time policy models.
export { AdmissionController, type AdmissionOptions, type BackendCapacity, type BackendLoadSample } from "./scheduling/admission-controller.js";
export { LatencySensitiveArrivals, type LatencySensitiveOptions } from "./scheduling/latency-sensitive-arrivals.js";
export { PrefillCostQueue, type QueueOptions, type QueueEntry, type EnqueueInput, type DispatchReason } from "./scheduling/prefill-cost-queue.js";
export { PRIORITY_CLASSES, vllmPriority, type PriorityClass } from "./scheduling/priority-class.js";
