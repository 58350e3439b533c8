// The job of `ner train` as its command line or the Python module's ner.train describes it: the job's own settings
// in one table (its files, the feature set, what to do with outputs), beside settings.h's tables of the model's
// shape, the training and the reading of corpora; and the job completed from them, the feature set's recipe or a
// checkpoint's settings. Both front ends give the options they were given and get the same job, checks and errors.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "ner/model/settings.h"
#include "ner/training/trainer.h"

namespace ner {

// The job's own settings: the files (TrainJob::path_fields), --resume, --features, --pretrained-keys, --overwrite,
// --skip-nonfinite and --profile.
const Settings<TrainJob>& train_job_settings();

// Sets the option `flag_or_keyword` ("--lr", or the Python keyword "lr") of any of ner train's tables from its text;
// returns its flag. An unknown name or a refused text is a data::UsageError ("ner train has no option --foo",
// "--layers: 9 is not in the range 1 to 8").
std::string set_train_option(TrainJob& job, const std::string& flag_or_keyword, const std::string& text);

// The job the options describe, completed: `given` holds the flags that were set. A new run gets its feature set's
// settings for every option not given (the lexicon set without a dictionary trains without it, which `warn` is told);
// --resume takes the checkpoint's files and settings unless given, and a given model setting must be the
// checkpoint's; --init refuses the options that shape a new model. The outputs default to MODEL.metrics.jsonl,
// MODEL.ckpt and MODEL.report.html. Missing or clashing options are a data::UsageError.
TrainJob resolve_train_job(TrainJob job, const std::set<std::string>& given, const std::function<void(const std::string&)>& warn);

// The words joined into one line that a POSIX shell reads back as the same words (the command line a run records).
std::string shell_command_line(const std::vector<std::string>& words);

}  // namespace ner
