#pragma once

#include "core/modal/ModalErrorClassifier.h"
#include "core/model/EvalRequest.h"
#include "core/model/EvalResult.h"

#include <string>
#include <string_view>

namespace kw {

// Pure conversions between the web endpoint's answers and EvalResults.

// A 2xx body: the EvalResult JSON that modal_app.py returns. Invalid or truncated JSON, or a
// JSON value that is not an object, gives an infra_error result that says so. The request,
// id, target and GPU type are taken from `req` (what the client sent), never from the body.
EvalResult modalResultFromBody(const EvalRequest& req, std::string_view body);

// An infra_error result for a failed call: the diagnosis' message becomes error_message, its
// cause goes to metadata.modal_cause.
EvalResult modalFailureResult(const EvalRequest& req, const ModalDiagnosis& d);

// Fills what the client knows: id, request (seed secret dropped), created/finished times,
// device.target "modal:GPU", and cost_usd (GPU-seconds × list price) when the result reached
// a GPU.
void finishModalResult(EvalResult& r, const EvalRequest& req, double createdAt, double finishedAt);

} // namespace kw
