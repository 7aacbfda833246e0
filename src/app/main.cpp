// The autotrader binary: parses nothing itself; see app/daemon.hpp.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/daemon.hpp"

extern char** environ;

int main(int argc, char** argv) {
  try {
    return autotrader::app::main_entry(std::vector<std::string>(argv + 1, argv + argc), environ);
  } catch (const std::exception& e) {
    // Bad input never ends in a stack trace: one line and a non-zero code.
    std::cerr << "autotrader: internal error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "autotrader: internal error\n";
  }
  return autotrader::app::exit_software;
}
