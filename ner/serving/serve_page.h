// `ner serve`'s GET /: one self-contained HTML page (no external resources) that tags the text typed into it through
// POST /v1/tag and shows the entities highlighted by type, with a legend, confidences on hover and n-best on request.
#pragma once

namespace ner {

extern const char* const kServePage;

}  // namespace ner
