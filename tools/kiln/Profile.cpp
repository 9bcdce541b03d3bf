//===- Profile.cpp - kiln run --profile: a trace of one inference ---------===//
//
// The trace is Chrome's JSON trace-event format, which chrome://tracing,
// Perfetto (ui.perfetto.dev) and speedscope open: one complete ("X") slice
// for the inference and one per kernel inside it, timestamps in
// microseconds from the start of the call.
//
//===----------------------------------------------------------------------===//

#include "tools/kiln/Profile.h"
#include "tools/kiln/Diagnostics.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace kiln {
namespace {

struct KernelTime {
  int32_t kernel;
  double beginUs;
  double durationUs;
};

double getGflops(int64_t flops, double durationUs) {
  return durationUs > 0 ? static_cast<double>(flops) / (durationUs * 1e3) : 0;
}

llvm::json::Value makeTrace(const std::vector<codegen::ProfileKernel> &kernels,
                            const std::vector<KernelTime> &times, double totalUs,
                            const ProfileRequest &request) {
  llvm::json::Array events;
  auto metadata = [&](llvm::StringRef name, llvm::json::Object args, int tid) {
    events.push_back(llvm::json::Object{{"name", name}, {"ph", "M"}, {"pid", 1},
                                        {"tid", tid}, {"args", std::move(args)}});
  };
  metadata("process_name", llvm::json::Object{{"name", "kiln " + request.modelName}}, 0);
  metadata("thread_name", llvm::json::Object{{"name", "inference"}}, 1);
  events.push_back(llvm::json::Object{
      {"name", "inference"}, {"cat", "inference"}, {"ph", "X"}, {"pid", 1}, {"tid", 1},
      {"ts", 0.0}, {"dur", totalUs}, {"args", llvm::json::Object{{"threads", request.threads}}}});
  for (const KernelTime &time : times) {
    const codegen::ProfileKernel &kernel = kernels[time.kernel];
    llvm::json::Array nodes, opTypes;
    for (const codegen::SourceNode &node : kernel.nodes) {
      nodes.push_back(node.name);
      opTypes.push_back(node.opType);
    }
    events.push_back(llvm::json::Object{
        {"name", kernel.name},
        {"cat", "kernel"},
        {"ph", "X"},
        {"pid", 1},
        {"tid", 1},
        {"ts", time.beginUs},
        {"dur", time.durationUs},
        {"args", llvm::json::Object{{"kernel", time.kernel},
                                    {"nodes", std::move(nodes)},
                                    {"op_types", std::move(opTypes)},
                                    {"flops", kernel.flops},
                                    {"bytes", kernel.bytes},
                                    {"gflops", getGflops(kernel.flops, time.durationUs)}}},
    });
  }
  return llvm::json::Object{{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}};
}

void printSummary(const std::vector<codegen::ProfileKernel> &kernels,
                  std::vector<KernelTime> times, double totalUs, unsigned rows) {
  double kernelsUs = 0;
  int64_t totalFlops = 0;
  for (const KernelTime &time : times) {
    kernelsUs += time.durationUs;
    totalFlops += kernels[time.kernel].flops;
  }
  std::sort(times.begin(), times.end(), [](const KernelTime &a, const KernelTime &b) {
    return a.durationUs != b.durationUs ? a.durationUs > b.durationUs : a.kernel < b.kernel;
  });
  auto getOpTypes = [&](const codegen::ProfileKernel &kernel) {
    std::string opTypes;
    for (const codegen::SourceNode &node : kernel.nodes)
      if (!llvm::is_contained(llvm::split(opTypes, '+'), node.opType))
        opTypes += (opTypes.empty() ? "" : "+") + node.opType;
    return opTypes.empty() ? std::string("-") : opTypes;
  };
  size_t shown = std::min<size_t>(times.size(), rows);
  size_t opWidth = 7;
  for (size_t i = 0; i < shown; ++i)
    opWidth = std::max(opWidth, getOpTypes(kernels[times[i].kernel]).size());
  llvm::outs() << fmt::format("{:>4}  {:>9}  {:>6}  {:>8}  {:>8}  {:<{}}  {}\n", "rank", "ms",
                              "%", "GFLOP/s", "GB/s", "op", opWidth, "kernel (ONNX nodes)");
  for (size_t i = 0; i < shown; ++i) {
    const codegen::ProfileKernel &kernel = kernels[times[i].kernel];
    double us = times[i].durationUs;
    llvm::outs() << fmt::format(
        "{:>4}  {:>9.4f}  {:>5.1f}%  {:>8.2f}  {:>8.2f}  {:<{}}  {}\n", i + 1, us / 1e3,
        totalUs > 0 ? 100 * us / totalUs : 0.0, getGflops(kernel.flops, us),
        us > 0 ? static_cast<double>(kernel.bytes) / (us * 1e3) : 0.0, getOpTypes(kernel),
        opWidth, kernel.name);
  }
  llvm::outs() << fmt::format(
      "total {:.4f} ms in {} kernel{} ({:.4f} ms outside them), {:.2f} GFLOP/s overall\n",
      totalUs / 1e3, times.size(), times.size() == 1 ? "" : "s",
      std::max(0.0, totalUs - kernelsUs) / 1e3,
      getGflops(totalFlops, totalUs));
}

} // namespace

int profileInference(const std::function<kiln_status_t()> &run, kiln_context_t *context,
                     const std::vector<codegen::ProfileKernel> &kernels,
                     const ProfileRequest &request) {
  // The first call pays for page faults in the workspace and cold caches.
  if (kiln_status_t status = run())
    return reportUserError(std::string("the model returned an error: ") +
                           kiln_status_message(status));
  std::vector<kiln_profile_event_t> events(kernels.size() + 1);
  if (kiln_profile_attach(context, events.data(), static_cast<int32_t>(events.size())) !=
      KILN_STATUS_OK)
    return reportUserError("cannot attach the profile to the context");
  auto start = std::chrono::steady_clock::now();
  kiln_status_t status = run();
  auto stop = std::chrono::steady_clock::now();
  int64_t count = kiln_profile_count(context);
  kiln_profile_attach(context, nullptr, 0);
  if (status != KILN_STATUS_OK)
    return reportUserError(std::string("the model returned an error: ") +
                           kiln_status_message(status));
  if (count > static_cast<int64_t>(kernels.size()))
    return reportUserError(fmt::format("the profile has {} events for {} kernels", count,
                                       kernels.size()));

  // The runtime stamps kernels with CLOCK_MONOTONIC, which is what
  // steady_clock reads on Linux; should the clocks differ, the first kernel
  // marks the start instead.
  double totalUs = std::chrono::duration<double, std::micro>(stop - start).count();
  int64_t origin = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       start.time_since_epoch()).count();
  if (count > 0 && (events[0].begin_ns < origin ||
                    events[count - 1].end_ns > origin + static_cast<int64_t>(totalUs * 1e3)))
    origin = events[0].begin_ns;
  std::vector<KernelTime> times;
  for (int64_t i = 0; i < count; ++i) {
    const kiln_profile_event_t &event = events[i];
    if (event.kernel < 0 || event.kernel >= static_cast<int32_t>(kernels.size()))
      return reportUserError(fmt::format("profile event {} names kernel {}, the model has {}", i,
                                         event.kernel, kernels.size()));
    times.push_back({event.kernel, (event.begin_ns - origin) / 1e3,
                     std::max<int64_t>(0, event.end_ns - event.begin_ns) / 1e3});
  }
  if (count > 0)
    totalUs = std::max(totalUs, (events[count - 1].end_ns - origin) / 1e3);

  if (!request.tracePath.empty()) {
    std::error_code error;
    llvm::raw_fd_ostream os(request.tracePath, error);
    if (error)
      return reportUserError("cannot write '" + request.tracePath + "': " + error.message());
    os << llvm::formatv("{0:2}", makeTrace(kernels, times, totalUs, request)) << "\n";
    llvm::outs() << fmt::format("kiln: wrote {} ({} kernels, {:.4f} ms); open it in "
                                "https://ui.perfetto.dev or chrome://tracing\n",
                                request.tracePath, times.size(), totalUs / 1e3);
  }
  if (request.printSummary)
    printSummary(kernels, times, totalUs, request.summaryRows);
  return kExitOk;
}

} // namespace kiln
