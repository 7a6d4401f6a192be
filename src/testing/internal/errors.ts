/**
 * Clerk's error bodies, as the offline Clerk answers them: `{ errors: [{ code, message, long_message, meta }] }`,
 * with the codes Clerk uses for the same situations.
 */
import * as Data from "effect/Data"

/** One entry of Clerk's `errors` array, in wire format. */
export interface ErrorDetail {
  readonly code: string
  readonly message: string
  readonly long_message: string
  readonly meta?: { readonly param_name?: string; readonly [key: string]: unknown }
}

/**
 * A failed request: the status and Clerk's error entries. Routes fail with it; the handler turns it into
 * the response, and the transaction that raised it is discarded.
 */
export class ApiFailure extends Data.TaggedError("ApiFailure")<{
  readonly status: number
  readonly errors: ReadonlyArray<ErrorDetail>
}> {}

const fail = (status: number, code: string, message: string, longMessage: string, param?: string) =>
  new ApiFailure({
    status,
    errors: [{
      code,
      message,
      long_message: longMessage,
      ...(param === undefined ? {} : { meta: { param_name: param } })
    }]
  })

/** 404 `resource_not_found`. */
export const notFound = (what = "Resource") => fail(404, "resource_not_found", "not found", `${what} not found`)

/** 422 `form_param_missing`. */
export const paramMissing = (param: string) =>
  fail(422, "form_param_missing", "is missing", `${param} must be included.`, param)

/** 422 `form_param_format_invalid`. */
export const formatInvalid = (param: string, expected: string) =>
  fail(422, "form_param_format_invalid", "is invalid", `${param} must be ${expected}.`, param)

/** 422 `form_param_unknown`: Clerk's request bodies are closed (`additionalProperties: false`). */
export const paramUnknown = (param: string) =>
  fail(422, "form_param_unknown", "is unknown", `${param} is not a valid parameter for this request.`, param)

/** 422 `form_param_value_invalid`: well-formed, but not a value this parameter accepts. */
export const valueInvalid = (param: string, longMessage: string) =>
  fail(422, "form_param_value_invalid", "is invalid", longMessage, param)

const identifierNames: Readonly<Record<string, string>> = {
  email_address: "email address",
  phone_number: "phone number",
  web3_wallet: "web3 wallet",
  username: "username",
  external_id: "external ID",
  slug: "slug",
  identifier: "identifier",
  name: "name"
}

/** 422 `form_identifier_exists`: an email, phone, username, slug … that another record already holds. */
export const identifierExists = (param: string) => {
  const text = `That ${identifierNames[param] ?? param} is taken. Please try another.`
  return fail(422, "form_identifier_exists", text, text, param)
}

/** 422 `duplicate_record`: a record that may exist only once (a pending invitation, a redirect URL). */
export const duplicate = (param: string, longMessage: string) =>
  fail(422, "duplicate_record", "duplicate record", longMessage, param)

/** 422 `not_allowed_access`: the instance's allow-list or block-list refuses the identifier. */
export const notAllowed = (param: string, longMessage: string) =>
  fail(422, "not_allowed_access", "Access not allowed.", longMessage, param)

/** 422 with a code of its own. */
export const unprocessable = (code: string, longMessage: string, param?: string) =>
  fail(422, code, longMessage, longMessage, param)

/** 400 with a code of its own. */
export const badRequest = (code: string, longMessage: string, param?: string) =>
  fail(400, code, longMessage, longMessage, param)

/** 401 `authentication_invalid`: no secret key, or not one that looks like Clerk's. */
export const unauthenticated = () =>
  fail(
    401,
    "authentication_invalid",
    "Invalid authentication",
    "The request could not be authenticated: send `Authorization: Bearer sk_test_…`."
  )

/** 501: an operation of the spec that the offline Clerk does not implement, named so the reader knows what to add. */
export const notImplemented = (operationId: string, method: string, template: string) =>
  new ApiFailure({
    status: 501,
    errors: [{
      code: "operation_not_implemented",
      message: `${operationId} is not implemented by the offline Clerk`,
      long_message: `The offline Clerk does not implement ${operationId} (${method} ${template}).`,
      meta: { operation_id: operationId }
    }]
  })

/** 501 for a method and path that match no operation of the spec at all. */
export const noSuchOperation = (method: string, path: string) =>
  new ApiFailure({
    status: 501,
    errors: [{
      code: "operation_not_implemented",
      message: `no Backend API operation matches ${method} ${path}`,
      long_message: `No operation of the Backend API spec matches ${method} ${path}.`
    }]
  })
