#include "meridian/app/config.hpp"

int main(int argc, char** argv) {
  return meridian::app::run(argc, argv);
}
