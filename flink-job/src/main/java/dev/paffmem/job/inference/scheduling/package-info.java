/**
 * The inference operator's plain parts, free of Flink and testable in milliseconds: the online batching
 * policy ({@code MicroBatcher}), generation work person by person in fixed chunks under a CPU share ({@code
 * GenerationQueue}), one model call at a time on the subtask's model thread ({@code ModelHandOver}) and the
 * near-duplicate test of generation frames ({@code NearDuplicateEdits}).
 */
package dev.paffmem.job.inference.scheduling;
