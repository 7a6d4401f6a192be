// Cold start floor: node itself, importing an empty module.
export {}
