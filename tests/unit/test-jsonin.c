/*
 * test-jsonin.c - unit tests of the strict JSON readers: json_locate(),
 * struct json_doc, the site catalog (SITES.json) and job specs (JOBS.json).
 *
 * Every rejection is checked with its exact message, line and column.  The
 * tables of bad inputs below were checked against positions found
 * independently (the first character of a marker text in each input).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <unistd.h>

#include "core/core.h"
#include "tests/unit/unit.h"

struct bad_case {
	const char *name;
	const char *text;
	int line, col;
	const char *msg;
};

static const struct bad_case bad_jobs[] = {
	{"unknown key",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"earliest_strat\": \"2026-11-25T18:00:00Z\"}\n",
	  5, 2,
	  "unknown key 'earliest_strat' in job 'train-7'"},
	{"invalid time",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-13-01T00:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  2, 20,
	  "'earliest_start': invalid time '2026-13-01T00:00:00Z' in "
	  "job 'train-7' (want RFC 3339 with an offset, e.g. "
	  "2026-11-25T18:00:00Z)"},
	{"time without offset",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  3, 19,
	  "'latest_finish': invalid time '2026-11-27T06:00:00' in job "
	  "'train-7' (want RFC 3339 with an offset, e.g. "
	  "2026-11-25T18:00:00Z)"},
	{"time not a string",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": 1795629600,\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  2, 20,
	  "'earliest_start' must be a string in job 'train-7' (want "
	  "RFC 3339 with an offset, e.g. 2026-11-25T18:00:00Z)"},
	{"start after finish",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-28T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  2, 20,
	  "'earliest_start' must be before 'latest_finish' in job "
	  "'train-7'"},
	{"start equals finish",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-27T06:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  2, 20,
	  "'earliest_start' must be before 'latest_finish' in job "
	  "'train-7'"},
	{"bad duration",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"duration\": \"PT6\"}\n",
	  5, 14,
	  "'duration': invalid duration 'PT6' in job 'train-7' (want "
	  "ISO 8601, e.g. PT30M, PT6H or P1DT2H)"},
	{"duration in months",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"duration\": \"P1M\"}\n",
	  5, 14,
	  "'duration': invalid duration 'P1M' in job 'train-7' (want "
	  "ISO 8601, e.g. PT30M, PT6H or P1DT2H)"},
	{"zero duration",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"duration\": \"PT0S\"}\n",
	  5, 14,
	  "'duration' must be longer than zero in job 'train-7'"},
	{"duration not a string",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"duration\": 3600}\n",
	  5, 14,
	  "'duration' must be a string in job 'train-7' (want ISO "
	  "8601, e.g. PT30M, PT6H or P1DT2H)"},
	{"unknown resource",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpx\": 8}}\n",
	  4, 16,
	  "'resources.gpx': unknown resource 'gpx' in job 'train-7' "
	  "(the sites have gpu, cpu, tpu)"},
	{"zero amount",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 0}}\n",
	  4, 23,
	  "'resources.gpu' must be a positive number in job 'train-7'"},
	{"amount a string",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": \"8\"}}\n",
	  4, 23,
	  "'resources.gpu' must be a positive number in job 'train-7'"},
	{"resources an array",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": [\"gpu\"]}\n",
	  4, 15,
	  "'resources' must be a non-empty object in job 'train-7'"},
	{"resources empty",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {}}\n",
	  4, 15,
	  "'resources' must be a non-empty object in job 'train-7'"},
	{"missing id",
	  "{\"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  1, 1,
	  "missing 'id' in job #1"},
	{"id a number",
	  "{\"id\": 7,\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  1, 8,
	  "'id' must be a non-empty string in job #1"},
	{"id empty",
	  "{\"id\": \"\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  1, 8,
	  "'id' must be a non-empty string in job #1"},
	{"missing earliest_start",
	  "{\"id\": \"train-7\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}\n",
	  1, 1,
	  "missing 'earliest_start' in job 'train-7'"},
	{"missing resources",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\"}\n",
	  1, 1,
	  "missing 'resources' or 'profiles' in job 'train-7'"},
	{"resources and profiles",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"profiles\": [{\"resources\": {\"gpu\": 1}}]}\n",
	  4, 2,
	  "'resources' cannot be given with 'profiles' in job "
	  "'train-7' (give it in each profile)"},
	{"duration with profiles",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": [{\"resources\": {\"gpu\": 1}}],\n"
	  " \"duration\": \"PT1H\"}\n",
	  5, 2,
	  "'duration' cannot be given with 'profiles' in job 'train-7' "
	  "(give it in each profile)"},
	{"power_w with profiles",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": [{\"resources\": {\"gpu\": 1}}],\n"
	  " \"power_w\": 300}\n",
	  5, 2,
	  "'power_w' cannot be given with 'profiles' in job 'train-7' "
	  "(give it in each profile)"},
	{"profiles empty",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": []}\n",
	  4, 14,
	  "'profiles' must be a non-empty array in job 'train-7'"},
	{"profile not an object",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": [{\"resources\": {\"gpu\": 1}}, \"fast\"]}\n",
	  4, 42,
	  "'profiles[1]' must be an object in job 'train-7'"},
	{"profile unknown key",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": [{\"resources\": {\"gpu\": 1}},\n"
	  "  {\"resources\": {\"cpu\": 1}, \"durtion\": \"PT1H\"}]}\n",
	  5, 29,
	  "unknown key 'profiles[1].durtion' in job 'train-7'"},
	{"profile missing resources",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": [{\"duration\": \"PT1H\"}]}\n",
	  4, 15,
	  "missing 'profiles[0].resources' in job 'train-7'"},
	{"profile bad duration",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": [{\"resources\": {\"gpu\": 1}, \"duration\": \"1h\"}]}\n",
	  4, 53,
	  "'profiles[0].duration': invalid duration '1h' in job "
	  "'train-7' (want ISO 8601, e.g. PT30M, PT6H or P1DT2H)"},
	{"profile unknown resource",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": [{\"resources\": {\"gpu\": 1}},\n"
	  "  {\"resources\": {\"fpga\": 2}}]}\n",
	  5, 18,
	  "'profiles[1].resources.fpga': unknown resource 'fpga' in "
	  "job 'train-7' (the sites have gpu, cpu, tpu)"},
	{"profile power_w negative",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"profiles\": [{\"resources\": {\"gpu\": 1}, \"power_w\": -5}]}\n",
	  4, 52,
	  "'profiles[0].power_w' must be a non-negative number in job "
	  "'train-7'"},
	{"unknown site",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"sites\": [\"gb-london\", \"gb-lodnon\"]}\n",
	  5, 25,
	  "'sites[1]': unknown site 'gb-lodnon' in job 'train-7' (the "
	  "catalog has gb-london, fr-paris)"},
	{"sites empty",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"sites\": []}\n",
	  5, 11,
	  "'sites' must be a non-empty array in job 'train-7'"},
	{"sites a string",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"sites\": \"gb-london\"}\n",
	  5, 11,
	  "'sites' must be a non-empty array in job 'train-7'"},
	{"site a number",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"sites\": [1]}\n",
	  5, 12,
	  "'sites[0]' must be a non-empty string in job 'train-7'"},
	{"latency without max_ms",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"latency\": {\"users\": \"GB\"}}\n",
	  5, 13,
	  "missing 'latency.max_ms' in job 'train-7'"},
	{"latency unknown key",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"latency\": {\"users\": \"GB\", \"max\": 20}}\n",
	  5, 29,
	  "unknown key 'latency.max' in job 'train-7'"},
	{"latency negative",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"latency\": {\"users\": \"GB\", \"max_ms\": -1}}\n",
	  5, 39,
	  "'latency.max_ms' must be a non-negative number in job "
	  "'train-7'"},
	{"latency a string",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"latency\": \"GB\"}\n",
	  5, 13,
	  "'latency' must be an object in job 'train-7'"},
	{"min_throughput without quantity",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"min_throughput\": 12}\n",
	  5, 20,
	  "'min_throughput' needs 'quantity' in job 'train-7'"},
	{"min_throughput negative",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"quantity\": 90,\n"
	  " \"min_throughput\": -1}\n",
	  6, 20,
	  "'min_throughput' must be a non-negative number in job "
	  "'train-7'"},
	{"quantity zero",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"quantity\": 0}\n",
	  5, 14,
	  "'quantity' must be a positive number in job 'train-7'"},
	{"quantity a string",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"quantity\": \"90\"}\n",
	  5, 14,
	  "'quantity' must be a positive number in job 'train-7'"},
	{"interruptible a string",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"interruptible\": \"yes\"}\n",
	  5, 19,
	  "'interruptible' must be true or false in job 'train-7'"},
	{"max_pieces without interruptible",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"max_pieces\": 2}\n",
	  5, 16,
	  "'max_pieces' needs 'interruptible': true in job 'train-7'"},
	{"max_pieces not whole",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}, \"interruptible\": true,\n"
	  " \"max_pieces\": 2.5}\n",
	  5, 16,
	  "'max_pieces' must be a whole number from 1 to 1000000 in job "
	  "'train-7'"},
	{"after a string",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"after\": \"prep-7\"}\n",
	  5, 11,
	  "'after' must be an array in job 'train-7'"},
	{"after entry empty",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"after\": [\"prep-7\", \"\"]}\n",
	  5, 22,
	  "'after[1]' must be a non-empty string in job 'train-7'"},
	{"features an array",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"features\": [\"resnet\"]}\n",
	  5, 14,
	  "'features' must be an object in job 'train-7'"},
	{"command empty",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"command\": \"\"}\n",
	  5, 13,
	  "'command' must be a non-empty string in job 'train-7'"},
	{"unit a number",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"unit\": 5}\n",
	  5, 10,
	  "'unit' must be a non-empty string in job 'train-7'"},
	{"power_w negative",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"power_w\": -2800}\n",
	  5, 13,
	  "'power_w' must be a non-negative number in job 'train-7'"},
	{"top level a number",
	  "3\n",
	  1, 1,
	  "invalid JSON: '[' or '{' expected near '3'"},
	{"top level a string",
	  "\"jobs\"\n",
	  1, 1,
	  "invalid JSON: '[' or '{' expected near '\"jobs\"'"},
	{"jobs not an array",
	  "{\"jobs\": {}}\n",
	  1, 10,
	  "'jobs' must be an array in the job list"},
	{"job list unknown key",
	  "{\"jobs\": [],\n"
	  " \"sites\": []}\n",
	  2, 2,
	  "unknown key 'sites' in the job list"},
	{"array element not an object",
	  "[\n"
	  "  1\n"
	  "]\n",
	  2, 3,
	  "'[0]' must be a job object"},
	{"jobs element not an object",
	  "{\"jobs\": [null]}\n",
	  1, 11,
	  "'jobs[0]' must be a job object"},
	{"second job bad",
	  "[{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}},\n"
	  "{\"id\": \"eval-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": -1}}]\n",
	  8, 23,
	  "'resources.gpu' must be a positive number in job 'eval-7'"},
	{"trailing comma",
	  "{\"id\": \"a\",\n"
	  " \"unit\": \"x\",}\n",
	  2, 14,
	  "invalid JSON: string or '}' expected near '}'"},
	{"duplicate key",
	  "{\"id\": \"a\",\n"
	  " \"id\": \"b\"}\n",
	  2, 2,
	  "invalid JSON: duplicate object key near '\"id\"'"},
	{"duplicate id in a file",
	  "[{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}},\n"
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8}}]\n",
	  5, 8,
	  "'id': duplicate job id 'train-7' (first at j.json:1:9)"},
	{"self dependency",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"after\": [\"train-7\"]}\n",
	  5, 12,
	  "'after': dependency cycle train-7 -> train-7"},
	{"unknown dependency",
	  "{\"id\": \"train-7\",\n"
	  " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
	  " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
	  " \"resources\": {\"gpu\": 8},\n"
	  " \"after\": [\"prep-7\"]}\n",
	  5, 12,
	  "'after[0]': unknown job 'prep-7' in job 'train-7'"},
	{"utf-8 columns",
	  "{\"id\": \"été\", \"unit\": 1}\n",
	  1, 23,
	  "'unit' must be a non-empty string in job 'été'"},
};

static const struct bad_case bad_sites[] = {
	{"empty site list",
	  "{\"sites\": []}\n",
	  1, 11,
	  "'sites' must be a non-empty array in the site catalog"},
	{"sites not an array",
	  "{\"sites\": {\"id\": \"a\"}}\n",
	  1, 11,
	  "'sites' must be a non-empty array in the site catalog"},
	{"missing sites",
	  "{}\n",
	  1, 1,
	  "missing 'sites' in the site catalog"},
	{"top level an array",
	  "[]\n",
	  1, 1,
	  "a site catalog must be an object {\"sites\": [...]}"},
	{"top level unknown key",
	  "{\"sites\": [],\n"
	  " \"site\": []}\n",
	  2, 2,
	  "unknown key 'site' in the site catalog"},
	{"site not an object",
	  "{\"sites\": [\n"
	  "  \"gb-london\"]}\n",
	  2, 3,
	  "'sites[0]' must be a site object"},
	{"unknown key",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"capcity\": {\"gpu\": 1}}\n"
	  "]}\n",
	  4, 4,
	  "unknown key 'capcity' in site 'gb-london'"},
	{"bad id",
	  "{\"sites\": [\n"
	  "  {\"id\": \"GB London\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64}}\n"
	  "]}\n",
	  2, 10,
	  "'id': invalid site id 'GB London' in site #1 (want "
	  "lower-case letters, digits and '-')"},
	{"id a number",
	  "{\"sites\": [\n"
	  "  {\"id\": 7, \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64}}\n"
	  "]}\n",
	  2, 10,
	  "'id' must be a non-empty string in site #1"},
	{"missing id",
	  "{\"sites\": [\n"
	  "  {\"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64}}\n"
	  "]}\n",
	  2, 3,
	  "missing 'id' in site #1"},
	{"missing zone",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\",\n"
	  "   \"capacity\": {\"gpu\": 64}}\n"
	  "]}\n",
	  2, 3,
	  "missing 'zone' in site 'gb-london'"},
	{"zone empty",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"\",\n"
	  "   \"capacity\": {\"gpu\": 64}}\n"
	  "]}\n",
	  2, 31,
	  "'zone' must be a non-empty string in site 'gb-london'"},
	{"weather a number",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"weather\": 3}\n"
	  "]}\n",
	  4, 15,
	  "'weather' must be a non-empty string in site 'gb-london'"},
	{"missing capacity",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\"}\n"
	  "]}\n",
	  2, 3,
	  "missing 'capacity' in site 'gb-london'"},
	{"capacity negative",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": -64}}\n"
	  "]}\n",
	  3, 24,
	  "'capacity.gpu' must be a non-negative number in site "
	  "'gb-london'"},
	{"capacity a string",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": \"64\"}}\n"
	  "]}\n",
	  3, 24,
	  "'capacity.gpu' must be a non-negative number in site "
	  "'gb-london'"},
	{"capacity an array",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": [\"gpu\"]}\n"
	  "]}\n",
	  3, 16,
	  "'capacity' must be an object in site 'gb-london'"},
	{"capacity empty name",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"\": 64}}\n"
	  "]}\n",
	  3, 17,
	  "'capacity' has an empty resource name in site 'gb-london'"},
	{"power_w unknown resource",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"power_w\": {\"gpu\": 350, \"cpu\": 12}}\n"
	  "]}\n",
	  4, 28,
	  "'power_w.cpu': resource 'cpu' has no 'capacity' in site "
	  "'gb-london'"},
	{"power_w negative",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"power_w\": {\"gpu\": -350}}\n"
	  "]}\n",
	  4, 23,
	  "'power_w.gpu' must be a non-negative number in site "
	  "'gb-london'"},
	{"pue below one",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"pue\": 0.9}\n"
	  "]}\n",
	  4, 11,
	  "'pue' must be a number >= 1 in site 'gb-london'"},
	{"pue a string",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"pue\": \"1.2\"}\n"
	  "]}\n",
	  4, 11,
	  "'pue' must be a number >= 1 or an object {base, above_c, "
	  "per_c} in site 'gb-london'"},
	{"pue object incomplete",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"pue\": {\"base\": 1.1, \"per_c\": 0.01}}\n"
	  "]}\n",
	  4, 11,
	  "missing 'pue.above_c' in site 'gb-london'"},
	{"pue base below one",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"pue\": {\"base\": 0.5, \"above_c\": 18, \"per_c\": 0.01}}\n"
	  "]}\n",
	  4, 20,
	  "'pue.base' must be a number >= 1 in site 'gb-london'"},
	{"pue per_c negative",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"pue\": {\"base\": 1.1, \"above_c\": 18, \"per_c\": -0.01}}\n"
	  "]}\n",
	  4, 49,
	  "'pue.per_c' must be a non-negative number in site "
	  "'gb-london'"},
	{"pue unknown key",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"pue\": {\"base\": 1.1, \"above\": 18, \"per_c\": 0.01}}\n"
	  "]}\n",
	  4, 25,
	  "unknown key 'pue.above' in site 'gb-london'"},
	{"speed zero",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"speed\": 0}\n"
	  "]}\n",
	  4, 13,
	  "'speed' must be a positive number in site 'gb-london'"},
	{"latency negative",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"latency_ms\": {\"GB\": 4, \"FR\": -11}}\n"
	  "]}\n",
	  4, 34,
	  "'latency_ms.FR' must be a non-negative number in site "
	  "'gb-london'"},
	{"latency an array",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"latency_ms\": [4]}\n"
	  "]}\n",
	  4, 18,
	  "'latency_ms' must be an object in site 'gb-london'"},
	{"cost unknown resource",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"cost_per_hour\": {\"cpu\": 0.1}}\n"
	  "]}\n",
	  4, 22,
	  "'cost_per_hour.cpu': resource 'cpu' has no 'capacity' in "
	  "site 'gb-london'"},
	{"cost negative",
	  "{\"sites\": [\n"
	  "  {\"id\": \"gb-london\", \"zone\": \"GB\",\n"
	  "   \"capacity\": {\"gpu\": 64},\n"
	  "   \"cost_per_hour\": {\"gpu\": -2.1}}\n"
	  "]}\n",
	  4, 29,
	  "'cost_per_hour.gpu' must be a non-negative number in site "
	  "'gb-london'"},
	{"duplicate id",
	  "{\"sites\": [\n"
	  "  {\"id\": \"a\", \"zone\": \"GB\", \"capacity\": {}},\n"
	  "  {\"id\": \"a\", \"zone\": \"FR\", \"capacity\": {}}]}\n",
	  3, 10,
	  "'id': duplicate site id 'a' (first at s.json:2:10)"},
	{"second site bad",
	  "{\"sites\": [\n"
	  "  {\"id\": \"a\", \"zone\": \"GB\", \"capacity\": {}},\n"
	  "  {\"id\": \"b\", \"zone\": \"FR\", \"capacity\": {\"cpu\": -1}}]}\n",
	  3, 49,
	  "'capacity.cpu' must be a non-negative number in site 'b'"},
	{"invalid JSON",
	  "{\"sites\": [\n"
	  "  {\"id\": \"a\", \"zone\": GB}]}\n",
	  2, 23,
	  "invalid JSON: invalid token near 'GB'"},
	{"empty file",
	  "",
	  1, 1,
	  "invalid JSON: '[' or '{' expected near end of file"},
};

static const char SITES[] =
	"{\"sites\": [\n"
	"  {\"id\": \"gb-london\", \"zone\": \"GB\", "
	"\"capacity\": {\"gpu\": 64, \"cpu\": 2048},\n"
	"   \"power_w\": {\"gpu\": 350, \"cpu\": 12}, \"pue\": 1.15},\n"
	"  {\"id\": \"fr-paris\", \"zone\": \"FR\", \"weather\": \"paris\",\n"
	"   \"capacity\": {\"cpu\": 512, \"tpu\": 4},\n"
	"   \"pue\": {\"base\": 1.1, \"above_c\": 18, \"per_c\": 0.01},\n"
	"   \"speed\": 1.5, \"latency_ms\": {\"GB\": 11, \"FR\": 3},\n"
	"   \"cost_per_hour\": {\"cpu\": 0.05}}\n"
	"]}\n";

/* A job that is valid against SITES, with an id and extra members. */
static char *job_text(const char *id, const char *extra)
{
	struct strbuf sb;

	strbuf_init(&sb);
	strbuf_addf(&sb,
		    "{\"id\": \"%s\",\n"
		    " \"earliest_start\": \"2026-11-25T18:00:00Z\",\n"
		    " \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
		    " \"resources\": {\"gpu\": 8}%s}",
		    id, extra);
	return strbuf_detach(&sb);
}

static void expect_msg(const char *file, const struct bad_case *c,
		       const char *got)
{
	char want[1024];

	snprintf(want, sizeof(want), "%s:%d:%d: %s", file, c->line, c->col,
		 c->msg);
	if (strcmp(want, got))
		print_error("case '%s'\n", c->name);
	assert_string_equal(got, want);
}

static void load_sites(struct catalog *cat)
{
	struct errmsg err;

	unit_write_file("sites.json", SITES);
	if (catalog_load(cat, "sites.json", &err) < 0)
		fail_msg("%s", err.msg);
}

/* Loads files[0..n) and finishes; returns the result, err filled. */
static int load_jobs(const struct catalog *cat, struct jobset *js,
		     const char *const *files, size_t n, struct errmsg *err)
{
	jobset_init(js);
	for (size_t i = 0; i < n; i++)
		if (jobset_load(js, cat, files[i], err) < 0)
			return -1;
	return jobset_finish(js, err);
}

/* ---- json_locate ---- */

static void locate_at(const char *text, const char *k0, long i0,
		      const char *k1, long i1, int line, int col)
{
	struct json_path p = {0};
	int l, c;

	if (k0 || i0 >= 0) {
		p.step[p.depth].key = k0;
		p.step[p.depth++].index = i0 < 0 ? 0 : (size_t)i0;
	}
	if (k1 || i1 >= 0) {
		p.step[p.depth].key = k1;
		p.step[p.depth++].index = i1 < 0 ? 0 : (size_t)i1;
	}
	json_locate(text, &p, &l, &c);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static void test_locate(void **state)
{
	static const char text[] =
		"{\"a\": [1, {\"b\": \"x\\\"}\"},\n"
		"       [\"]\", 2]],\n"
		"  \"\\u00e9t\\u00e9\": {\"c\": true},\n"
		"  \"\xc3\xa9\": 5, \"d\\ud83d\\ude00\": 6}";
	struct json_path p = {0};
	int l, c;
	(void)state;

	locate_at(text, NULL, -1, NULL, -1, 1, 1);
	locate_at(text, "a", -1, NULL, -1, 1, 7);
	locate_at(text, "a", -1, NULL, 0, 1, 8);
	locate_at(text, "a", -1, NULL, 1, 1, 11);
	locate_at(text, "a", -1, NULL, 2, 2, 8);
	locate_at(text, "a", -1, NULL, 3, 1, 7);   /* no such index */
	locate_at(text, "a", -1, "b", -1, 1, 7);   /* not an object */
	locate_at(text, "\xc3\xa9t\xc3\xa9", -1, "c", -1, 3, 26);
	locate_at(text, "\xc3\xa9", -1, NULL, -1, 4, 8);
	locate_at(text, "d\xf0\x9f\x98\x80", -1, NULL, -1, 4, 28);
	locate_at(text, "zz", -1, NULL, -1, 1, 1); /* nearest parent */

	/* the key itself, for unknown keys */
	p.depth = 2;
	p.step[0].key = "\xc3\xa9t\xc3\xa9";
	p.step[1].key = "c";
	json_locate_key(text, &p, &l, &c);
	assert_int_equal(l, 3);
	assert_int_equal(c, 21);

	/* leading white space and no text at all */
	locate_at("\n\n   [1]", NULL, -1, NULL, -1, 3, 4);
	locate_at("", "a", -1, NULL, -1, 1, 1);
	json_locate(NULL, NULL, &l, &c);
	assert_int_equal(l, 1);
	assert_int_equal(c, 1);
}

/* The scanner must survive anything: truncated, unbalanced, random. */
static void test_locate_garbage(void **state)
{
	static const char *const texts[] = {
		"{", "[", "{\"a\"", "{\"a\":", "{\"a\": [1,", "\"\\", "{\"a\\u12",
		"}}}]]", "{\"a\" 1}", "[,,,]", "{\"a\": 1 \"b\": 2}", ":::",
	};
	static const char alphabet[] = "{}[]\":,\\ab1 \n\t";
	struct json_path p = {0};
	char buf[64];
	uint32_t seed = 12345;
	int l, c;
	(void)state;

	p.depth = 3;
	p.step[0].key = "a";
	p.step[1].index = 1;
	p.step[2].key = "b";
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_locate(texts[i], &p, &l, &c);
		json_locate_key(texts[i], &p, &l, &c);
		assert_true(l >= 1 && c >= 1);
	}
	for (int n = 0; n < 20000; n++) {
		size_t len = 0;
		seed = seed * 1103515245u + 12345u;
		len = (seed >> 16) % (sizeof(buf) - 1);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		buf[len] = '\0';
		p.step[1].index = n % 3;
		json_locate(buf, &p, &l, &c);
		assert_true(l >= 1 && c >= 1 && c <= 64);
		json_locate_key(buf, &p, &l, &c);
		assert_true(l >= 1 && c >= 1 && c <= 64);
	}
}

/* ---- the site catalog ---- */

static void test_catalog_valid(void **state)
{
	struct catalog cat;
	const struct site *s;
	(void)state;

	load_sites(&cat);
	assert_string_equal(cat.path, "sites.json");
	assert_int_equal(cat.nsites, 2);
	assert_int_equal(cat.nresources, 3);
	assert_string_equal(cat.resources[0], "gpu");
	assert_string_equal(cat.resources[1], "cpu");
	assert_string_equal(cat.resources[2], "tpu");
	assert_int_equal(catalog_find_resource(&cat, "tpu"), 2);
	assert_int_equal(catalog_find_resource(&cat, "fpga"), -1);
	assert_int_equal(catalog_find_site(&cat, "fr-paris"), 1);
	assert_int_equal(catalog_find_site(&cat, "de"), -1);

	s = &cat.sites[0];
	assert_string_equal(s->id, "gb-london");
	assert_string_equal(s->zone, "GB");
	assert_string_equal(s->weather, "gb-london"); /* default: id */
	assert_true(s->capacity[0] == 64 && s->capacity[1] == 2048 &&
		    s->capacity[2] == 0);
	assert_true(s->power_w[0] == 350 && s->power_w[1] == 12 &&
		    s->power_w[2] == 0);
	assert_true(s->pue_base == 1.15 && s->pue_per_c == 0);
	assert_true(s->speed == 1.0);
	assert_int_equal(s->nlatency, 0);
	assert_true(s->cost_per_hour[0] == 0 && s->cost_per_hour[1] == 0);

	s = &cat.sites[1];
	assert_string_equal(s->weather, "paris");
	assert_true(s->capacity[0] == 0 && s->capacity[1] == 512 &&
		    s->capacity[2] == 4);
	assert_true(s->pue_base == 1.1 && s->pue_above_c == 18 &&
		    s->pue_per_c == 0.01);
	assert_true(s->speed == 1.5);
	assert_int_equal(s->nlatency, 2);
	assert_string_equal(s->latency_region[0], "GB");
	assert_true(s->latency_ms[0] == 11);
	assert_string_equal(s->latency_region[1], "FR");
	assert_true(s->latency_ms[1] == 3);
	assert_true(s->cost_per_hour[1] == 0.05);
	catalog_release(&cat);
	assert_int_equal(cat.nsites, 0);
	catalog_release(&cat); /* twice is harmless */
}

static void test_catalog_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_sites) / sizeof(bad_sites[0]); i++) {
		struct catalog cat;
		struct errmsg err;

		unit_write_file("s.json", bad_sites[i].text);
		assert_int_equal(catalog_load(&cat, "s.json", &err), -1);
		expect_msg("s.json", &bad_sites[i], err.msg);
		assert_int_equal(cat.nsites, 0); /* nothing left to free */
		assert_null(cat.sites);
	}
}

static void test_catalog_unreadable(void **state)
{
	struct catalog cat;
	struct errmsg err;
	(void)state;
	struct jobset js;

	jobset_init(&js);
	assert_int_equal(jobset_load(&js, NULL, "jobs.json", &err), -1);
	assert_string_equal(err.msg, "job specs need a site catalog (--sites)");

	assert_int_equal(catalog_load(&cat, "nope.json", &err), -1);
	assert_string_equal(err.msg, "cannot read 'nope.json': "
				     "No such file or directory");
}

/* ---- job specs ---- */

static void test_jobs_valid(void **state)
{
	static const char text[] =
		"{\"jobs\": [\n"
		"  {\"id\": \"prep-7\", \"earliest_start\": "
		"\"2026-11-25T18:00:00Z\",\n"
		"   \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
		"   \"resources\": {\"cpu\": 16}},\n"
		"  {\"id\": \"train-7\", \"unit\": \"epoch\", \"quantity\": 90,\n"
		"   \"earliest_start\": \"2026-11-25T19:00:00+01:00\",\n"
		"   \"latest_finish\": \"2026-11-27T06:00:00Z\",\n"
		"   \"profiles\": [{\"resources\": {\"gpu\": 8}, "
		"\"duration\": \"PT2H\"},\n"
		"     {\"resources\": {\"cpu\": 128, \"tpu\": 1}, "
		"\"duration\": \"P1DT30M\", \"power_w\": 900}],\n"
		"   \"sites\": [\"fr-paris\"],\n"
		"   \"latency\": {\"users\": \"GB\", \"max_ms\": 20},\n"
		"   \"min_throughput\": 12, \"interruptible\": true,\n"
		"   \"max_pieces\": 3,\n"
		"   \"after\": [\"prep-7\"],\n"
		"   \"features\": {\"model\": \"resnet50\", \"layers\": [1, 2]},\n"
		"   \"command\": \"sbatch train.sh\"}]}\n";
	const char *files[] = {"jobs.json"};
	struct catalog cat;
	struct jobset js;
	struct errmsg err;
	const struct job *j;
	(void)state;

	load_sites(&cat);
	unit_write_file("jobs.json", text);
	if (load_jobs(&cat, &js, files, 1, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(js.njobs, 2);

	j = &js.jobs[0];
	assert_string_equal(j->id, "prep-7");
	assert_null(j->unit);
	assert_true(isnan(j->quantity));
	assert_int_equal(j->nprofiles, 1);
	assert_true(j->profiles[0].resources[1] == 16);
	assert_true(j->profiles[0].resources[0] == 0);
	assert_int_equal(j->profiles[0].duration_s, -1);
	assert_true(isnan(j->profiles[0].power_w));
	assert_true(j->allowed[0] && j->allowed[1]); /* default: all */
	assert_null(j->latency_users);
	assert_true(j->min_throughput == 0);
	assert_false(j->interruptible);
	assert_int_equal(j->max_pieces, 1);
	assert_int_equal(j->nafter, 0);
	assert_null(j->features_json);
	assert_null(j->command);
	assert_string_equal(j->file, "jobs.json");
	assert_int_equal(j->line, 2);
	assert_int_equal(j->col, 10);

	j = &js.jobs[1];
	assert_string_equal(j->id, "train-7");
	assert_string_equal(j->unit, "epoch");
	assert_true(j->quantity == 90);
	assert_int_equal(j->earliest_start, 1795629600);
	assert_int_equal(j->latest_finish, 1795629600 + 36 * 3600);
	assert_int_equal(j->nprofiles, 2);
	assert_true(j->profiles[0].resources[0] == 8);
	assert_int_equal(j->profiles[0].duration_s, 7200);
	assert_true(isnan(j->profiles[0].power_w));
	assert_true(j->profiles[1].resources[1] == 128);
	assert_true(j->profiles[1].resources[2] == 1);
	assert_int_equal(j->profiles[1].duration_s, 86400 + 1800);
	assert_true(j->profiles[1].power_w == 900);
	assert_false(j->allowed[0]);
	assert_true(j->allowed[1]);
	assert_string_equal(j->latency_users, "GB");
	assert_true(j->latency_max_ms == 20);
	assert_true(j->min_throughput == 12);
	assert_true(j->interruptible);
	assert_int_equal(j->max_pieces, 3);
	assert_int_equal(j->nafter, 1);
	assert_int_equal(j->after[0], 0);
	assert_string_equal(j->after_ref[0].id, "prep-7");
	assert_int_equal(j->after_ref[0].line, 14);
	assert_int_equal(j->after_ref[0].col, 14);
	assert_string_equal(j->features_json,
			    "{\"model\":\"resnet50\",\"layers\":[1,2]}");
	assert_string_equal(j->command, "sbatch train.sh");
	assert_int_equal(j->line, 5);
	assert_int_equal(j->col, 10);
	jobset_release(&js);
	catalog_release(&cat);
}

/* One job object, an array of them, or {"jobs": [...]}; [] is no jobs. */
static void test_jobs_forms(void **state)
{
	static const char *const forms[][2] = {
		{"", ""}, {"[", "]"}, {"{\"jobs\": [", "]}"},
		{"[", "]"}, {"{\"jobs\": [", "]}"},
	};
	const char *files[] = {"jobs.json"};
	struct catalog cat;
	char *job = job_text("a", "");
	(void)state;

	load_sites(&cat);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct strbuf sb;
		struct jobset js;
		struct errmsg err;

		strbuf_init(&sb);
		strbuf_addf(&sb, "%s%s%s", forms[i][0], i < 3 ? job : "",
			    forms[i][1]);
		unit_write_file("jobs.json", sb.buf);
		strbuf_release(&sb);
		if (load_jobs(&cat, &js, files, 1, &err) < 0)
			fail_msg("%s", err.msg);
		assert_int_equal(js.njobs, i < 3 ? 1 : 0);
		if (i < 3) {
			assert_string_equal(js.jobs[0].id, "a");
			assert_int_equal(js.jobs[0].line, 1);
		}
		jobset_release(&js);
	}
	free(job);
	catalog_release(&cat);
}

static void test_jobs_bad(void **state)
{
	const char *files[] = {"j.json"};
	struct catalog cat;
	(void)state;

	load_sites(&cat);
	for (size_t i = 0; i < sizeof(bad_jobs) / sizeof(bad_jobs[0]); i++) {
		struct jobset js;
		struct errmsg err;

		unit_write_file("j.json", bad_jobs[i].text);
		assert_int_equal(load_jobs(&cat, &js, files, 1, &err), -1);
		expect_msg("j.json", &bad_jobs[i], err.msg);
		jobset_release(&js);
	}
	catalog_release(&cat);
}

/*
 * Ids are unique across files, `after` reaches into other files, and a
 * failed file leaves the set as it was.
 */
static void test_jobs_across_files(void **state)
{
	const char *files[] = {"a.json", "b.json"};
	char *a = job_text("train", ",\n \"after\": [\"prep\"]");
	char *b = job_text("prep", "");
	char *b2 = job_text("train", "");
	char *c = job_text("prep", ",\n \"after\": [\"x\", \"train\"]");
	struct catalog cat;
	struct jobset js;
	struct errmsg err;
	(void)state;

	load_sites(&cat);
	unit_write_file("a.json", a);
	unit_write_file("b.json", b);
	if (load_jobs(&cat, &js, files, 2, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(js.njobs, 2);
	assert_int_equal(js.jobs[0].after[0], 1);
	assert_string_equal(js.jobs[1].file, "b.json");
	/* finishing again resolves the same way */
	assert_int_equal(jobset_finish(&js, &err), 0);
	assert_int_equal(js.jobs[0].after[0], 1);
	jobset_release(&js);

	unit_write_file("b.json", b2);
	assert_int_equal(load_jobs(&cat, &js, files, 2, &err), -1);
	assert_string_equal(err.msg, "b.json:1:8: 'id': duplicate job id "
				     "'train' (first at a.json:1:8)");
	assert_int_equal(js.njobs, 1);
	jobset_release(&js);

	unit_write_file("b.json", "[{\"id\": \"y\"}]");
	assert_int_equal(load_jobs(&cat, &js, files, 2, &err), -1);
	assert_int_equal(js.njobs, 1);
	jobset_release(&js);

	unit_write_file("b.json", c);
	assert_int_equal(load_jobs(&cat, &js, files, 2, &err), -1);
	assert_string_equal(err.msg, "b.json:5:12: 'after[0]': unknown job "
				     "'x' in job 'prep'");
	jobset_release(&js);

	free(c);
	c = job_text("prep", ",\n \"after\": [\"train\"]");
	unit_write_file("b.json", c);
	assert_int_equal(load_jobs(&cat, &js, files, 2, &err), -1);
	assert_string_equal(err.msg, "a.json:5:12: 'after': dependency cycle "
				     "train -> prep -> train");
	jobset_release(&js);
	free(a);
	free(b);
	free(b2);
	free(c);
	catalog_release(&cat);
}

/* Long chains need no deep recursion; a cycle at the end is still found. */
static void test_jobs_long_chain(void **state)
{
	const char *files[] = {"chain.json"};
	enum { N = 20000 };
	struct strbuf sb;
	struct catalog cat;
	struct jobset js;
	struct errmsg err;
	(void)state;

	load_sites(&cat);
	strbuf_init(&sb);
	strbuf_addch(&sb, '[');
	for (int i = 0; i < N; i++)
		strbuf_addf(&sb,
			    "%s{\"id\": \"j%d\", \"earliest_start\": "
			    "\"2026-11-25T18:00:00Z\", \"latest_finish\": "
			    "\"2026-11-27T06:00:00Z\", \"resources\": "
			    "{\"cpu\": 1}, \"after\": [\"j%d\"]}\n",
			    i ? "," : "", i, i ? i - 1 : N - 1);
	strbuf_addch(&sb, ']');
	unit_write_file("chain.json", sb.buf);
	assert_int_equal(load_jobs(&cat, &js, files, 1, &err), -1);
	assert_int_equal(js.njobs, N);
	assert_int_equal(js.jobs[N - 1].line, N);
	assert_int_equal(strncmp(err.msg, "chain.json:1:", 13), 0);
	assert_non_null(strstr(err.msg, "'after': dependency cycle j0 -> "
					"j19999 -> j19998 -> "));
	jobset_release(&js);

	/* cut the cycle: j0 depends on nothing */
	{
		char *p = strstr(sb.buf, "[\"j19999\"]");
		memcpy(p, "[]        ", 10);
	}
	unit_write_file("chain.json", sb.buf);
	if (load_jobs(&cat, &js, files, 1, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(js.jobs[N - 1].after[0], N - 2);
	jobset_release(&js);
	strbuf_release(&sb);
	catalog_release(&cat);
}

/* ---- struct json_doc on its own ---- */

static void test_json_doc(void **state)
{
	static const char *const keys[] = {"n", "t", "s", NULL};
	struct json_doc d;
	struct errmsg err;
	json_t *o;
	double x = 0;
	const char *s = NULL;
	(void)state;

	unit_write_file("d.json", "{\"n\": null, \"t\": [1, {\"u\": 2}],\n"
			     " \"s\": \"x\"}");
	assert_int_equal(json_doc_load(&d, "d.json", &err), 0);
	assert_int_equal(json_doc_check_keys(&d, d.root, keys), 0);
	/* null with JD_NULL is absent, without it the wrong type */
	assert_int_equal(json_doc_number(&d, d.root, "n", JD_NULL, &x), 1);
	assert_int_equal(json_doc_number(&d, d.root, "n", 0, &x), -1);
	assert_string_equal(err.msg, "d.json:1:7: 'n' must be a number");
	assert_int_equal(json_doc_number(&d, d.root, "m", 0, &x), 1);
	assert_int_equal(json_doc_number(&d, d.root, "m", JD_REQUIRED, &x),
			 -1);
	assert_string_equal(err.msg, "d.json:1:1: missing 'm'");
	assert_int_equal(json_doc_string(&d, d.root, "s", 0, &s), 0);
	assert_string_equal(s, "x");
	assert_int_equal(d.path.depth, 0);

	/* containers stay on the path until popped */
	assert_int_equal(json_doc_array(&d, d.root, "t", 0, &o), 0);
	assert_int_equal(d.path.depth, 1);
	json_doc_push_index(&d, 1);
	strbuf_addstr(&d.subject, "thing 'x'");
	assert_int_equal(json_doc_number(&d, json_array_get(o, 1), "u",
					 JD_GE1 | JD_POSITIVE, &x), 0);
	assert_true(x == 2);
	assert_int_equal(json_doc_check_keys(&d, json_array_get(o, 1), keys),
			 -1);
	assert_string_equal(err.msg,
			    "d.json:1:23: unknown key 't[1].u' in thing 'x'");
	json_doc_release(&d);

	unit_write_file("d.json", "{\"a\": 1}\n{}");
	assert_int_equal(json_doc_load(&d, "d.json", &err), -1);
	assert_string_equal(err.msg, "d.json:2:1: invalid JSON: end of file "
				     "expected near '{'");
	json_doc_release(&d);

	/* a byte order mark is skipped and does not count as a column */
	unit_write_file("d.json", "\xEF\xBB\xBF{\"a\": x}");
	assert_int_equal(json_doc_load(&d, "d.json", &err), -1);
	assert_string_equal(err.msg, "d.json:1:7: invalid JSON: invalid "
				     "token near 'x'");
	json_doc_release(&d);
	unit_write_file("d.json", "\xEF\xBB\xBF{\"a\": [1, true]}");
	assert_int_equal(json_doc_load(&d, "d.json", &err), 0);
	json_doc_push_key(&d, "a");
	json_doc_push_index(&d, 1);
	assert_int_equal(json_doc_number(&d, json_array_get(
		json_object_get(d.root, "a"), 1), NULL, 0, &x), -1);
	assert_string_equal(err.msg, "d.json:1:11: 'a[1]' must be a number");
	json_doc_release(&d);

	unit_write_file("d.json", "{\"a\": \"\xff\"}");
	assert_int_equal(json_doc_load(&d, "d.json", &err), -1);
	assert_int_equal(strncmp(err.msg, "d.json:1:", 9), 0);
	json_doc_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_locate_garbage),
		cmocka_unit_test(test_catalog_valid),
		cmocka_unit_test(test_catalog_bad),
		cmocka_unit_test(test_catalog_unreadable),
		cmocka_unit_test(test_jobs_valid),
		cmocka_unit_test(test_jobs_forms),
		cmocka_unit_test(test_jobs_bad),
		cmocka_unit_test(test_jobs_across_files),
		cmocka_unit_test(test_jobs_long_chain),
		cmocka_unit_test(test_json_doc),
	};
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
