# One place that sets the warning flags and sanitizers for every calpress target.
function(calpress_apply_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 $<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes
    -Wmissing-prototypes> -Wno-unused-parameter
    # Request structs are filled positionally and the fields left out are meant to be zero.
    -Wno-missing-field-initializers)
  if(CALPRESS_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(CALPRESS_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${CALPRESS_SANITIZE} -fno-omit-frame-pointer
      -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${CALPRESS_SANITIZE})
  endif()
endfunction()
