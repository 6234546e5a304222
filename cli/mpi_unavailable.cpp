// run_distributed() in a relayload-cli built without MPI: under mpirun every rank would run
// the whole load, so the run is refused with what to do instead.
#include <iostream>

#include "commands.hpp"
#include "mpi_launcher.hpp"

namespace relayload::cli {

int run_distributed(const parsed_command& /*command*/,
                    const scenario::scenario_registry& /*registry*/) {
  std::cerr << "relayload-cli: error: started by mpirun, but this relayload-cli was built without "
               "MPI (configure with MPI installed, RELAYLOAD_WITH_MPI=ON); every rank would run "
               "the whole load. Give each process --shard=I/N instead, or set RELAYLOAD_NO_MPI=1 "
               "to run the ranks as independent whole runs.\n";
  return exit_code::usage;
}

}  // namespace relayload::cli
