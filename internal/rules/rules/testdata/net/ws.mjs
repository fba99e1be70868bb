// vouch rule fixture: inert.
export function open() {
  if (false) {
    const ws = new WebSocket('wss://live.example.invalid/socket');
    ws.send('x');
  }
}
