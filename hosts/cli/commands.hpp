// The subcommands of the lading program; each returns the process exit status.
#pragma once

#include "command_line.hpp"

#include <string>
#include <vector>

namespace lading::cli {

int export_command(const std::vector<std::string>& args);
int images_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);
int plugins_command(const std::vector<std::string>& args);
int login_command(const std::vector<std::string>& args);
int store_command(const std::vector<std::string>& args);
int convert_command(const std::vector<std::string>& args);

// What each command's --help prints.
const command_spec& export_spec();
const command_spec& images_spec();
const command_spec& inspect_spec();
const command_spec& plugins_spec();
const command_spec& login_spec();
const command_spec& store_check_spec();
const command_spec& convert_spec();

}  // namespace lading::cli
