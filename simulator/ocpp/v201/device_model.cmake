# The 2.0.1 device model and the pure JSON logic of Get/SetVariables and GetBaseReport,
# included by this directory's CMakeLists.txt.
add_library(ocppfleet_v201_device_model device_model.cpp standard_variables.cpp variable_requests.cpp)
target_link_libraries(ocppfleet_v201_device_model PUBLIC ocppfleet::rpc PRIVATE ocppfleet_warnings)
