package io.coffer.control.status;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * Errors the control answers its API callers with, whichever part finds them (a manager's
 * validation, a service): the same details agents use, ErrorInfo, and BadRequest naming the field.
 */
public final class ApiErrors {
  private ApiErrors() {}

  public static StatusRuntimeException invalidArgument(String field, String problem) {
    String message = field + ": " + problem;
    return StatusProto.toStatusRuntimeException(
        Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .setMessage(message)
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setDomain("coffer.io")
                        .setReason("INVALID_ARGUMENT")
                        .putMetadata("field", field)
                        .build()))
            .addDetails(
                Any.pack(
                    BadRequest.newBuilder()
                        .addFieldViolations(
                            BadRequest.FieldViolation.newBuilder()
                                .setField(field)
                                .setDescription(message))
                        .build()))
            .build());
  }

  public static StatusRuntimeException notFound(String message) {
    return io.grpc.Status.NOT_FOUND.withDescription(message).asRuntimeException();
  }
}
