# relayload_enable_sanitizers(<target>): adds the sanitizers named in RELAYLOAD_SANITIZE
# ("address;undefined" or "thread") to one target, compile and link.
function(relayload_enable_sanitizers target)
  if(NOT RELAYLOAD_SANITIZE)
    return()
  endif()
  if("thread" IN_LIST RELAYLOAD_SANITIZE AND "address" IN_LIST RELAYLOAD_SANITIZE)
    message(FATAL_ERROR "RELAYLOAD_SANITIZE: thread and address cannot be combined")
  endif()
  list(JOIN RELAYLOAD_SANITIZE "," _list)
  get_target_property(_type ${target} TYPE)
  set(_scope PRIVATE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    set(_scope INTERFACE)
  endif()
  target_compile_options(${target} ${_scope} -fsanitize=${_list} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  if("undefined" IN_LIST RELAYLOAD_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # RapidJSON 1.1.0 (Debian 12) computes `nullptr + n` in internal/stack.h on the first
    # push of every parse; Clang's pointer-overflow check aborts on it. ASan still catches
    # real out-of-bounds pointers.
    target_compile_options(${target} ${_scope} -fno-sanitize=pointer-overflow)
  endif()
  if(NOT _type STREQUAL "OBJECT_LIBRARY")
    target_link_options(${target} ${_scope} -fsanitize=${_list})
  endif()
endfunction()
