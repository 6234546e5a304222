// Distributed runs under mpirun: each rank runs its shard of the load, all ranks start at one
// common t0 after a barrier, and rank 0 merges every rank's report exactly.
//
// The detection needs no MPI: a process that was not started by an MPI launcher never calls
// MPI, and a relayload-cli built without MPI refuses to run under mpirun (every rank would
// run the whole load) instead of silently multiplying it.
#pragma once

#include <cstdlib>

#include "cli_options.hpp"
#include "relayload/scenario/scenario_registry.hpp"

namespace relayload::cli {

/// Whether this process is a rank of an MPI job: OpenMPI's mpirun (OMPI_COMM_WORLD_SIZE),
/// MPICH/Hydra and Slurm PMI (PMI_SIZE), PMIx launchers such as `srun --mpi=pmix`
/// (PMIX_RANK). RELAYLOAD_NO_MPI=1 opts out (each rank then runs as a separate process).
inline bool started_by_mpirun() noexcept {
  const char* opt_out = std::getenv("RELAYLOAD_NO_MPI");
  if (opt_out != nullptr && opt_out[0] == '1') return false;
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

/// Runs `command` as one rank of the MPI job (see the file comment): its scenario, or with
/// parsed_command::workload the whole mix, as shard `rank` of `size`. Returns the exit code:
/// rank 0 the run's, the others 0 unless their own setup failed.
int run_distributed(const parsed_command& command, const scenario::scenario_registry& registry);

}  // namespace relayload::cli
