package dev.paffmem.job.ingest;

import dev.paffmem.schema.RejectReason;

/** Why a record cannot be used; becomes a RejectedFrame. */
final class RejectException extends Exception {
  private static final long serialVersionUID = 1L;
  final RejectReason reason;

  RejectException(RejectReason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }
}
