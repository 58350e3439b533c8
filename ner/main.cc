#include "ner/cli.h"

int main(int argc, char** argv) { return ner::run_cli(argc, argv); }
