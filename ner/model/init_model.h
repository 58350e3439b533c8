// `ner train --init MODEL`: a new model that starts from a trained one, so that a few hundred sentences of a new
// domain adapt it. It keeps the trained model's configuration, dictionary and weights; its vocabularies gain the new
// training text's characters, bigrams and words, and its tags the new corpora's entity types (the trained model's
// types stay), whose embedding columns, output rows and CRF scores start as a new model's do.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ner/model/features.h"
#include "ner/model/model.h"
#include "nn/random.h"

namespace ner {

// `counted`: the new training text's keys, counted and frozen over the trained model's dictionary; `types`: the
// new corpora's entity types. The result's weights are `trained`'s for every key and tag it knows, fresh from `rng`
// for the others.
std::unique_ptr<Model> model_from_trained(Model& trained, const Vocabularies& counted, const std::vector<std::string>& types,
                                          nn::Rng& rng);

}  // namespace ner
