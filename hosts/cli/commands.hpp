// The subcommands of the lading program; each returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace lading::cli {

int export_command(const std::vector<std::string>& args);
int images_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int login_command(const std::vector<std::string>& args);
int store_command(const std::vector<std::string>& args);

}  // namespace lading::cli
