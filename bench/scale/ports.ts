// Ports of the scale bench: servers from 4300, floors from 4400, so runs beside other
// work on the machine never collide with it.
let nextServer = 4300;
let nextFloor = 4400;

export const serverPort = () => {
  if (nextServer > 4399) throw new Error("out of server ports (4300-4399)");
  return nextServer++;
};
export const floorPort = () => {
  if (nextFloor > 4499) throw new Error("out of floor ports (4400-4499)");
  return nextFloor++;
};
