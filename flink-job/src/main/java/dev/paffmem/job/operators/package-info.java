/**
 * Only {@code PersonProgress}, the sequencer's state, lives here, under the package its first release had:
 * Flink's POJO serializer writes the class name into every checkpoint and savepoint (the fixtures in
 * src/test/resources/savepoints hold it), and a class of another name would not restore them. The
 * sequencer itself is in {@code dev.paffmem.job.sequence}.
 */
package dev.paffmem.job.operators;
