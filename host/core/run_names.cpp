#include "run_names.h"

#include <array>
#include <random>
#include <string_view>

namespace prefectd {
namespace {

constexpr std::array<std::string_view, 64> kAdjectives = {
    "amber",   "agile",    "ancient",  "arctic",   "bold",     "brave",    "bright",   "busy",
    "calm",    "clever",   "cosmic",   "crafty",   "crazy",    "crimson",  "curious",  "daring",
    "dapper",  "eager",    "electric", "elegant",  "fancy",    "fast",     "fearless", "festive",
    "fiery",   "friendly", "gentle",   "giant",    "glorious", "golden",   "happy",    "hidden",
    "humble",  "icy",      "jolly",    "keen",     "kind",     "lively",   "lucky",    "magic",
    "mellow",  "merry",    "mighty",   "modest",   "nimble",   "noble",    "olive",    "patient",
    "polite",  "proud",    "quick",    "quiet",    "rapid",    "resolute", "rustic",   "sassy",
    "silver",  "smart",    "steady",   "sturdy",   "tidy",     "vivid",    "witty",    "zealous"};

constexpr std::array<std::string_view, 64> kAnimals = {
    "aardvark", "albatross", "alpaca",  "antelope",  "badger",   "beaver",    "bison",   "bobcat",
    "buffalo",  "camel",     "caribou", "cheetah",   "chipmunk", "cobra",     "condor",  "coyote",
    "crane",    "dingo",     "dolphin", "eagle",     "falcon",   "ferret",    "finch",   "flamingo",
    "gazelle",  "gecko",     "gibbon",  "giraffe",   "gopher",   "hedgehog",  "heron",   "husky",
    "ibex",     "iguana",    "jackal",  "jaguar",    "kestrel",  "koala",     "lemur",   "leopard",
    "llama",    "lynx",      "marmot",  "meerkat",   "mink",     "moose",     "narwhal", "ocelot",
    "okapi",    "orca",      "otter",   "panda",     "pelican",  "penguin",   "puffin",  "quail",
    "raccoon",  "raven",     "salamander", "seal",   "tapir",    "toucan",    "walrus",  "wombat"};

}  // namespace

std::string random_run_name() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<size_t> adjective(0, kAdjectives.size() - 1);
  std::uniform_int_distribution<size_t> animal(0, kAnimals.size() - 1);
  return std::string(kAdjectives[adjective(generator)]) + "-" + std::string(kAnimals[animal(generator)]);
}

}  // namespace prefectd
