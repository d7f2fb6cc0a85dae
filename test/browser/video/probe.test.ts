import { expect } from '@open-wc/testing';
describe('probe', () => {
  it('camera + display', async () => {
    const s = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } } });
    const t = s.getVideoTracks()[0];
    console.log('settings', JSON.stringify(t.getSettings()), JSON.stringify(t.getCapabilities?.()));
    const s2 = await navigator.mediaDevices.getUserMedia({ video: true });
    console.log('default', JSON.stringify(s2.getVideoTracks()[0].getSettings()));
    s.getTracks().forEach(x=>x.stop()); s2.getTracks().forEach(x=>x.stop());
    try {
      const d = await navigator.mediaDevices.getDisplayMedia({ video: true });
      console.log('display ok', JSON.stringify(d.getVideoTracks()[0].getSettings()), d.getVideoTracks()[0].label);
      d.getTracks().forEach(x=>x.stop());
    } catch (e) { console.log('display failed', String(e)); }
    console.log('ImageCapture', typeof (window as any).ImageCapture, 'MSTP', typeof (window as any).MediaStreamTrackProcessor);
    expect(1).to.equal(1);
  });
});
