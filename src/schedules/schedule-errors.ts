import { isGrpcServiceError, ScheduleNotFoundError, ServiceError } from '@temporalio/client';
import { ScheduleMissingError, ScheduleRejectedError } from './errors';

// gRPC status codes (grpc/status.proto); @grpc/grpc-js is the SDK's dependency, not ours.
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_NOT_FOUND = 5;

/**
 * Runs one schedule call and turns the SDK's ways of saying "no" into the archiver's errors, each one sentence:
 * a missing schedule, and the server refusing what it was sent. The SDK reports an invalid spec as a bare
 * TypeError carrying the server's text, and other invalid arguments as a ServiceError whose cause is the gRPC
 * error. Anything else (an unreachable server, a timeout) passes through unchanged.
 */
export async function scheduleCall<T>(
  scheduleId: string,
  namespace: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw translate(error, scheduleId, namespace);
  }
}

function translate(error: unknown, scheduleId: string, namespace: string): unknown {
  if (error instanceof ScheduleNotFoundError) return new ScheduleMissingError(scheduleId, namespace);
  const grpc = grpcCause(error);
  if (grpc?.code === GRPC_NOT_FOUND) return new ScheduleMissingError(scheduleId, namespace);
  if (grpc?.code === GRPC_INVALID_ARGUMENT) {
    return new ScheduleRejectedError(scheduleId, grpc.details || grpc.message, { cause: error });
  }
  // The SDK's translation of INVALID_ARGUMENT "Invalid schedule spec: …" (schedule-client.ts rethrowGrpcError).
  if (error instanceof TypeError && !(error instanceof ServiceError)) {
    return new ScheduleRejectedError(scheduleId, `invalid schedule spec: ${error.message}`, { cause: error });
  }
  return error;
}

function grpcCause(error: unknown): { code: number; details: string; message: string } | undefined {
  if (isGrpcServiceError(error)) return error;
  if (error instanceof ServiceError && isGrpcServiceError(error.cause)) return error.cause;
  return undefined;
}
